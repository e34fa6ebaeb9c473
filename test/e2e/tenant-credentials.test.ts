import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fingerprint } from "../../shared/auth/authenticate.js";
import { CLIENT_ASSERTION_TYPE } from "../../shared/auth/token-endpoint.js";
import { createServices, type Services } from "../../shared/services.js";
import { type EntraStub, startEntraStub } from "../support/entra-stub.js";
import { type Client, startServer } from "../support/local-server.js";

/**
 * Every way Entra authenticates, over HTTP against the local host and the embedded Cosmos server,
 * with a 1-second credential cache so that revocations are seen within the test.
 */
let c: Client;
let entra: EntraStub;
let services: Services;
const logs: string[] = [];
const TEST_CONNECTION = `/Users?filter=${encodeURIComponent('userName eq "9c2b1c9e-guid"')}`;

const get = (token: string, path = TEST_CONNECTION) =>
  c.call("GET", path, undefined, { Authorization: `Bearer ${token}` });
const afterCache = () => new Promise((resolve) => setTimeout(resolve, 1_100));
const tokenUrl = () => c.baseUrl.replace(/\/scim\/v2$/, "/oauth2/token");
async function postToken(fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(tokenUrl(), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are asserted field by field
  const body: any = await response.json();
  return { status: response.status, headers: response.headers, body };
}
const basic = (id: string, secret: string) => ({
  Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
});

beforeAll(async () => {
  entra = await startEntraStub();
  c = await startServer(
    { SCIM_ENTRA_AUTHORITY: entra.authority, SCIM_AUTH_CACHE_SECONDS: "1" },
    (level, message) => logs.push(`${level}: ${message}`),
  );
  services = await createServices(process.env);
  await services.tenants.create("contoso");
}, 30_000);
afterAll(async () => {
  await c?.server.close();
  await entra?.close();
});

describe("Secret Tokens", () => {
  test("rotation: two active tokens, revoke one; the other keeps working", async () => {
    const a = await services.tenants.createToken("contoso", { label: "old" });
    const b = await services.tenants.createToken("contoso", { label: "new" });
    expect((await get(a.token)).status).toBe(200);
    expect((await get(b.token)).status).toBe(200);
    await services.tenants.revokeToken("contoso", a.credential.id);
    await afterCache();
    expect((await get(a.token)).status).toBe(401);
    expect((await get(b.token)).status).toBe(200);
  });

  test("expiry, suspension and resume", async () => {
    const expiring = await services.tenants.createToken("contoso", {
      expires: new Date(Date.now() + 1_000).toISOString(),
    });
    expect((await get(expiring.token)).status).toBe(200);
    await afterCache();
    expect((await get(expiring.token)).status).toBe(401);
    const { token } = await services.tenants.createToken("contoso");
    await services.tenants.suspend("contoso");
    await afterCache();
    expect((await get(token)).status).toBe(401);
    await services.tenants.resume("contoso");
    await afterCache();
    expect((await get(token)).status).toBe(200);
  });

  test("last use is recorded as a day", async () => {
    const { token, credential } = await services.tenants.createToken("contoso");
    expect((await get(token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = (await services.tenants.get("contoso")).tokens.find((t) => t.id === credential.id);
    expect(stored?.lastUsed).toBe(new Date().toISOString().slice(0, 10));
  });

  test("unknown, expired, revoked, suspended and malformed all get the same 401; the log has a reason and a fingerprint", async () => {
    await services.tenants.create("suspended-co");
    const suspended = await services.tenants.createToken("suspended-co");
    const revoked = await services.tenants.createToken("contoso");
    const expired = await services.tenants.createToken("contoso", { expires: "2020-01-01" });
    await services.tenants.suspend("suspended-co");
    await services.tenants.revokeToken("contoso", revoked.credential.id);
    logs.length = 0;
    const replies = await Promise.all(
      ["never-issued-token-value", expired.token, revoked.token, suspended.token, "a.b.c", "e30.e30.e30"].map(
        (t) => get(t),
      ),
    );
    for (const reply of replies) {
      expect(reply.status).toBe(401);
      expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="scim", error="invalid_token"');
      expect(reply.body).toEqual(replies[0]?.body);
    }
    const failures = logs.filter((l) => l.includes("Authentication failed"));
    expect(failures.map((l) => /reason=(\w+)/.exec(l)?.[1]).sort()).toEqual(
      [
        "expired",
        "tenant_suspended",
        "unknown_token",
        "unknown_token",
        "unknown_token",
        "unknown_token",
      ].sort(),
    );
    expect(failures.join("\n")).toContain(`fingerprint=${suspended.credential.id}`);
    expect(logs.join("\n")).not.toContain(suspended.token);
    const none = await c.call("GET", TEST_CONNECTION, undefined, { Authorization: "" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="scim"');
  });

  test("the deployment-wide SCIM_TOKEN still works (single-tenant mode)", async () => {
    expect((await c.call("GET", TEST_CONNECTION)).status).toBe(200);
  });
});

describe("Entra-issued JWTs (Secret Token left blank)", () => {
  // First in this file: the instance has not fetched Entra's keys yet.
  test("Entra's key set unreachable: 503 with Retry-After, then recovery", async () => {
    await services.tenants.create("jwt-co");
    await services.tenants.allowDirectory("jwt-co", entra.tid);
    entra.failing.keys = true;
    try {
      const reply = await get(await entra.provisioningToken());
      expect(reply.status).toBe(503);
      expect(reply.headers.get("retry-after")).toBe("30");
      expect(reply.body).toMatchObject({ status: "503" });
    } finally {
      entra.failing.keys = false;
    }
  });

  test("Test Connection with a JWT of a registered tid; the tenant is the tid's", async () => {
    const jwt = await entra.provisioningToken();
    const created = await c.call(
      "POST",
      "/Users",
      { userName: "jwt.user@x.com" },
      { Authorization: `Bearer ${jwt}` },
    );
    expect(created.status).toBe(201);
    const token = (await services.tenants.createToken("jwt-co")).token;
    expect((await get(token, `/Users/${created.body.id}`)).status).toBe(200);
    expect((await get(await entra.provisioningToken({ aud: "someone-else" }))).status).toBe(401);
  });
});

describe("OAuth 2.0 token endpoint (gallery apps)", () => {
  test("Basic client credentials -> access token -> SCIM; revoked with the client", async () => {
    const { client, secret } = await services.tenants.createClient("contoso");
    const reply = await postToken({ grant_type: "client_credentials" }, basic(client.clientId, secret));
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(reply.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect((await get(reply.body.access_token)).status).toBe(200);
    await services.tenants.deleteClient("contoso", client.clientId);
    await afterCache();
    expect((await get(reply.body.access_token)).status).toBe(401);
  });

  test("form client authentication, and the §5.2 errors over HTTP", async () => {
    const { client, secret } = await services.tenants.createClient("contoso");
    const post = await postToken({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: secret,
    });
    expect(post.status).toBe(200);
    const bad = await postToken({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: "x",
    });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: "invalid_client", error_description: "Client authentication failed." });
    expect(bad.headers.get("www-authenticate")).toMatch(/^Basic /);
    // A client id Cosmos DB cannot store as an item id names no client: 401, not 500.
    for (const clientId of ["a/b", "a\\b", "a#b", "x".repeat(300)]) {
      const unknown = await postToken({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: "x",
      });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe("invalid_client");
    }
    expect((await postToken({ grant_type: "password" }, basic(client.clientId, secret))).body.error).toBe(
      "unsupported_grant_type",
    );
    expect((await postToken({}, basic(client.clientId, secret))).body.error).toBe("invalid_request");
    expect(
      (await postToken({ grant_type: "client_credentials", scope: "admin" }, basic(client.clientId, secret)))
        .body.error,
    ).toBe("invalid_scope");
    const json = await fetch(tokenUrl(), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe("invalid_request");
    expect(logs.join("\n")).not.toContain(secret);
    // A client id that is no id this server issues is logged by fingerprint and length only: no
    // 64 KB line, no line of its own.
    logs.length = 0;
    const forged = `x\nToken issued: tenant=contoso client=${"y".repeat(60_000)}`;
    await postToken({ grant_type: "client_credentials", client_id: forged, client_secret: "x" });
    await postToken({ grant_type: "client_credentials", client_id: "short\u2028id", client_secret: "x" });
    const refused = logs.filter((l) => l.includes("Token request refused"));
    expect(refused).toHaveLength(2);
    expect(refused[0]).toContain(`client=fingerprint:${fingerprint(forged)} (${forged.length} characters)`);
    expect(refused[0]?.length).toBeLessThan(300);
    expect(refused[1]).toContain(`client=fingerprint:${fingerprint("short\u2028id")} (8 characters)`);
    expect(logs.join("\n")).not.toMatch(/^\S+: Token issued/m);
    // A client id of the shape this server issues is logged as sent, so a typo can be found.
    logs.length = 0;
    await postToken({ grant_type: "client_credentials", client_id: client.clientId, client_secret: "x" });
    expect(logs.join("\n")).toContain(`reason=bad_secret client=${client.clientId}`);
  });

  test("a client secret sent as the client id (Client ID and Client Secret swapped) never reaches the log", async () => {
    const { client, secret, secretId } = await services.tenants.createClient("contoso");
    logs.length = 0;
    const swapped = await postToken({
      grant_type: "client_credentials",
      client_id: secret,
      client_secret: client.clientId,
    });
    expect(swapped.status).toBe(401);
    const basicSwapped = await postToken(
      { grant_type: "client_credentials" },
      basic(secret, client.clientId),
    );
    expect(basicSwapped.status).toBe(401);
    const refused = logs.filter((l) => l.includes("Token request refused"));
    expect(refused).toHaveLength(2);
    expect(logs.join("\n")).not.toContain(secret);
    // Its fingerprint is the secret's id, which `client list` shows: the operator can tell what was sent.
    for (const line of refused)
      expect(line).toContain(`client=fingerprint:${secretId} (${secret.length} characters)`);
  });

  test("workload identity federation: an Entra assertion gets a token once per jti", async () => {
    const { client } = await services.tenants.createClient("contoso");
    await services.tenants.federate("contoso", client.clientId, {
      issuer: `https://login.microsoftonline.com/${entra.tid}/v2.0`,
      subject: "gallery-sp",
      audience: "api://AzureADTokenExchange",
    });
    const assertion = await entra.assertion({ sub: "gallery-sp" });
    const fields = {
      grant_type: "client_credentials",
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    };
    const first = await postToken(fields);
    expect(first.status).toBe(200);
    expect((await get(first.body.access_token)).status).toBe(200);
    const replay = await postToken(fields);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe("invalid_client");
  });

  test("/ServiceProviderConfig advertises both schemes and the token endpoint URL", async () => {
    const reply = await c.call("GET", "/ServiceProviderConfig");
    expect(reply.body.authenticationSchemes).toEqual([
      expect.objectContaining({ type: "oauthbearertoken", primary: true }),
      expect.objectContaining({ type: "oauth2", description: expect.stringContaining(tokenUrl()) }),
    ]);
  });
});
