import http from "node:http";
import { createRequire } from "node:module";
import { type Container, CosmosClient } from "@azure/cosmos";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import {
  EMULATOR_KEY,
  type EmbeddedCosmos,
  MINIMAL_QUERY_PLAN,
  startEmbeddedCosmos,
} from "../../shared/local/embedded-cosmos.js";

// The embedded server's container query (what a plan request used to run a second time).
const load = createRequire(__filename);
const Items = (load("@vercel/cosmosdb-server/lib/account/items") as { default: { prototype: object } })
  .default;

let cosmos: EmbeddedCosmos;
let container: Container;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  const client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: EMULATOR_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { database } = await client.databases.createIfNotExists({ id: "db" });
  ({ container } = await database.containers.createIfNotExists({
    id: "c",
    partitionKey: { paths: ["/t"] },
  }));
  for (const [id, v] of [
    ["a", 3],
    ["b", 1],
    ["c", 2],
  ] as const) {
    await container.items.create({ id, t: "x", v });
  }
});
afterAll(async () => {
  await cosmos?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A raw request to the embedded server; `agent` to reuse one connection. */
function send(
  path: string,
  headers: Record<string, string>,
  body: string,
  agent?: http.Agent,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${cosmos.endpoint}${path}`,
      {
        method: "POST",
        headers: { "content-type": "application/query+json", ...headers },
        ...(agent ? { agent } : {}),
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, socket: req.socket }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const SDK_AGENT = "Node.js/20.0.0 (linux; x64) azure-cosmos-js/4.9.3";
const planHeaders = (userAgent: string) => ({
  "x-ms-cosmos-is-query-plan-request": "True",
  "x-ms-documentdb-query-enablecrosspartition": "true",
  "user-agent": userAgent,
});
const QUERY = JSON.stringify({ query: "SELECT * FROM c ORDER BY c.v" });

describe("embedded Cosmos DB front", () => {
  test("an SDK query runs once on the server: the plan request is answered without running it", async () => {
    const runs = vi.spyOn(Items.prototype as { query: () => unknown }, "query");
    const { resources } = await container.items
      .query<{ id: string }>(
        { query: "SELECT c.id FROM c WHERE c.t = @t ORDER BY c.v", parameters: [{ name: "@t", value: "x" }] },
        { partitionKey: "x" },
      )
      .fetchNext();
    expect(resources.map((r) => r.id)).toEqual(["b", "c", "a"]);
    expect(runs).toHaveBeenCalledTimes(1);
  });

  test("the installed SDK is the build whose query-plan use was verified (re-read it after an upgrade)", () => {
    const sdk = load("@azure/cosmos/package.json") as { version: string };
    expect(sdk.version).toBe("4.9.3");
  });

  test("the verified SDK's plan request gets the minimal plan", async () => {
    const runs = vi.spyOn(Items.prototype as { query: () => unknown }, "query");
    const answer = await send("/dbs/db/colls/c/docs", planHeaders(SDK_AGENT), QUERY);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(MINIMAL_QUERY_PLAN);
    expect(runs).not.toHaveBeenCalled();
  });

  test("any other client's plan request reaches the server unchanged", async () => {
    for (const agent of ["azure-cosmos-js/4.9.4", "azure-cosmos-js/3.17.3", "curl/8"]) {
      const answer = await send("/dbs/db/colls/c/docs", planHeaders(agent), QUERY);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ Documents: [{ id: "b" }, { id: "c" }, { id: "a" }] });
    }
  });

  test("the minimal plan is also right where the SDK does read it (forceQueryPlan)", async () => {
    const ordered = await container.items
      .query<{ id: string }>("SELECT c.id FROM c ORDER BY c.v DESC", { forceQueryPlan: true })
      .fetchAll();
    expect(ordered.resources.map((r) => r.id)).toEqual(["a", "c", "b"]);
    const count = await container.items
      .query<number>("SELECT VALUE COUNT(1) FROM c WHERE c.v > 1", { forceQueryPlan: true })
      .fetchAll();
    expect(count.resources).toEqual([2]);
  });

  test("connections are kept alive: consecutive requests share one socket", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send("/dbs/db/colls/c/docs", { "x-ms-documentdb-isquery": "true" }, QUERY, agent);
      const second = await send("/dbs/db/colls/c/docs", planHeaders(SDK_AGENT), QUERY, agent);
      const third = await send("/dbs/db/colls/c/docs", { "x-ms-documentdb-isquery": "true" }, QUERY, agent);
      expect(first.headers.connection).toBe("keep-alive");
      expect(second.headers.connection).toBe("keep-alive");
      expect(second.socket).toBe(first.socket);
      expect(third.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });
});
