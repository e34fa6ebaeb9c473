import { afterAll, beforeAll, expect, test } from "vitest";
import { createServices, type Services } from "../../shared/services.js";
import type { FaultProxy } from "../support/fault-proxy.js";
import { type FaultedServer, startFaultedServer } from "../support/faulted-server.js";

/**
 * The token endpoint while Cosmos DB keeps failing: it reads the client's credential from the
 * `tenants` container, so throttling there must be answered as such (OAuth's
 * `temporarily_unavailable` with Retry-After, as an outage is), never as a 500 `server_error`.
 * The tenant store's own budget (10 s) runs out first.
 */
let faulted: FaultedServer;
let proxy: FaultProxy;
let services: Services;

beforeAll(async () => {
  faulted = await startFaultedServer("token-faults");
  proxy = faulted.proxy;
  // The host's services start on the first request: that one runs with Cosmos DB healthy.
  expect((await faulted.client.call("GET", "/Users?count=1")).status).toBe(200);
  services = await createServices(process.env);
  await services.tenants.create("contoso");
}, 60_000);
afterAll(async () => {
  await faulted?.close();
});

/** A new client, so that no instance has its credential cached yet: the token request reads it. */
async function newClient() {
  const { client, secret } = await services.tenants.createClient("contoso");
  return Buffer.from(`${client.clientId}:${secret}`).toString("base64");
}

async function postToken(credentials: string) {
  const response = await fetch(faulted.client.baseUrl.replace(/\/scim\/v2$/, "/oauth2/token"), {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${credentials}`,
    },
    body: "grant_type=client_credentials",
  });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are asserted field by field
  const body: any = await response.json();
  return { status: response.status, headers: response.headers, body };
}

test("Cosmos DB throttling throughout: 429 temporarily_unavailable with Cosmos DB's Retry-After", async () => {
  const credentials = await newClient();
  proxy.reset(() => ({ kind: "status", status: 429 }));
  const reply = await postToken(credentials);
  proxy.reset();
  expect(reply.status, JSON.stringify(reply.body)).toBe(429);
  expect(reply.body.error).toBe("temporarily_unavailable");
  expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(reply.headers.get("cache-control")).toBe("no-store");
  // Once Cosmos DB answers again, the same request gets its token.
  expect((await postToken(credentials)).status).toBe(200);
}, 30_000);
