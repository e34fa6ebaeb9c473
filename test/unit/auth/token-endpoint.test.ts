import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { verifyAccessToken } from "../../../shared/auth/access-token.js";
import { CredentialDirectory } from "../../../shared/auth/credential-directory.js";
import { EntraKeySource, v2MetadataUrl } from "../../../shared/auth/entra-keys.js";
import {
  CLIENT_ASSERTION_TYPE,
  issueToken,
  type TokenRequest,
  tokenResponse,
} from "../../../shared/auth/token-endpoint.js";
import { type Config, parseConfig } from "../../../shared/config.js";
import { TenantRegistry } from "../../../shared/tenants/tenant-registry.js";
import { type EntraStub, startEntraStub } from "../../support/entra-stub.js";
import { MemoryTenantStore } from "../../support/memory-tenant-store.js";

let entra: EntraStub;
let store: MemoryTenantStore;
let registry: TenantRegistry;
let config: Config;
let clientId: string;
let secret: string;
let secretId: string;
let clock: number;
let directory: CredentialDirectory;

const FORM = "application/x-www-form-urlencoded";
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, s: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(s)}`).toString("base64")}`;
const issue = (request: Partial<TokenRequest>) =>
  issueToken(
    { contentType: FORM, authorization: undefined, body: "", ...request },
    {
      config,
      directory,
      assertionKeys: new EntraKeySource(v2MetadataUrl(entra.authority)),
      recordAssertion: (record) => store.recordAssertion(record),
      now: () => new Date(clock),
    },
  );
const respond = async (request: Partial<TokenRequest>) => tokenResponse(await issue(request));

beforeAll(async () => {
  entra = await startEntraStub();
});
afterAll(async () => {
  await entra.close();
});
beforeEach(async () => {
  clock = Date.now();
  store = new MemoryTenantStore();
  registry = new TenantRegistry(store, () => new Date(clock));
  directory = new CredentialDirectory(store, { ttlMs: 30_000, maxEntries: 100, now: () => clock });
  config = parseConfig({ COSMOS_ENDPOINT: "http://127.0.0.1:1", SCIM_ENTRA_AUTHORITY: entra.authority });
  await registry.create("contoso");
  const created = await registry.createClient("contoso");
  clientId = created.client.clientId;
  secret = created.secret;
  secretId = created.secretId;
});

describe("client credentials grant (RFC 6749 §4.4)", () => {
  test("HTTP Basic: §5.1 success, no-store, a token for the client's tenant", async () => {
    const response = await respond({
      authorization: basic(clientId, secret),
      body: form({ grant_type: "client_credentials" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ "Cache-Control": "no-store", Pragma: "no-cache" });
    expect(response.body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "scim" });
    const verified = await verifyAccessToken(
      config.signingKeys,
      String(response.body.access_token),
      new Date(clock),
    );
    expect(verified).toMatchObject({
      ok: true,
      claims: { tenantId: "contoso", clientId, credential: `secret:${secretId}` },
    });
  });

  test("form fields (client_secret_post) work the same; the lifetime is configurable", async () => {
    config = parseConfig({ COSMOS_ENDPOINT: "http://127.0.0.1:1", SCIM_ACCESS_TOKEN_SECONDS: "21600" });
    const outcome = await issue({
      body: form({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: secret,
        scope: "scim",
      }),
    });
    expect(outcome).toMatchObject({
      ok: true,
      method: "client_secret_post",
      expiresIn: 21600,
      tenantId: "contoso",
    });
  });

  test("a scope is a set: one asked twice is granted once (RFC 6749 §3.3)", async () => {
    config = parseConfig({ COSMOS_ENDPOINT: "http://127.0.0.1:1", SCIM_OAUTH_SCOPES: "scim read" });
    const outcome = await issue({
      authorization: basic(clientId, secret),
      body: form({ grant_type: "client_credentials", scope: "scim  read scim" }),
    });
    expect(outcome).toMatchObject({ ok: true, scope: "scim read" });
  });

  test("secret rotation: two secrets work, the revoked one stops, an expired one never works", async () => {
    const next = await registry.addClientSecret("contoso", clientId);
    const ok = (s: string) =>
      issue({ authorization: basic(clientId, s), body: form({ grant_type: "client_credentials" }) });
    expect((await ok(secret)).ok && (await ok(next.secret)).ok).toBe(true);
    await registry.revokeClientSecret("contoso", clientId, secretId);
    clock += 30_000;
    expect(await ok(secret)).toMatchObject({ ok: false, error: "invalid_client", reason: "bad_secret" });
    expect((await ok(next.secret)).ok).toBe(true);
    const expiring = await registry.addClientSecret("contoso", clientId, {
      expires: new Date(clock + 1000).toISOString(),
    });
    clock += 30_000;
    expect(await ok(expiring.secret)).toMatchObject({ ok: false, reason: "bad_secret" });
  });

  test("a token issued with a secret that expires sooner lives until then, and says so (§5.1 expires_in)", async () => {
    const expiring = await registry.addClientSecret("contoso", clientId, {
      expires: new Date(clock + 600_000).toISOString(),
    });
    const response = await respond({
      authorization: basic(clientId, expiring.secret),
      body: form({ grant_type: "client_credentials" }),
    });
    expect(response.body.expires_in).toBe(600);
    const [, payload] = String(response.body.access_token).split(".");
    const { iat, exp } = JSON.parse(Buffer.from(String(payload), "base64url").toString("utf8"));
    expect(exp - iat).toBe(600);
    const lasting = await respond({
      authorization: basic(clientId, secret),
      body: form({ grant_type: "client_credentials" }),
    });
    expect(lasting.body.expires_in).toBe(3600);
  });

  test("a secret added after the client was cached works at once; wrong secrets re-read at most every 5 s", async () => {
    const basicGrant = (s: string) =>
      issue({ authorization: basic(clientId, s), body: form({ grant_type: "client_credentials" }) });
    expect((await basicGrant(secret)).ok).toBe(true);
    const next = await registry.addClientSecret("contoso", clientId);
    expect((await basicGrant(next.secret)).ok).toBe(true);
    const reads = store.reads;
    for (let i = 0; i < 5; i++) expect((await basicGrant("wrong")).ok).toBe(false);
    expect(store.reads - reads).toBeLessThanOrEqual(1);
  });

  test("a client id no client can have is refused unread, so not cached (unique long ids filled memory)", async () => {
    const reads = store.reads;
    for (const id of [`a${"x".repeat(60_000)}`, `b${"x".repeat(60_000)}`, "a/b"]) {
      const outcome = await issue({
        body: form({ grant_type: "client_credentials", client_id: id, client_secret: "s" }),
      });
      expect(outcome).toMatchObject({ ok: false, error: "invalid_client", reason: "unknown_client" });
    }
    expect(store.reads).toBe(reads);
  });

  test("a suspended tenant's client is refused", async () => {
    await registry.suspend("contoso");
    expect(
      await issue({
        authorization: basic(clientId, secret),
        body: form({ grant_type: "client_credentials" }),
      }),
    ).toMatchObject({
      ok: false,
      error: "invalid_client",
      reason: "tenant_suspended",
    });
  });
});

describe("§5.2 errors", () => {
  const grant = { grant_type: "client_credentials" };
  const cases: [string, () => Partial<TokenRequest>, string, number][] = [
    [
      "JSON instead of a form",
      () => ({ contentType: "application/json", body: "{}" }),
      "invalid_request",
      400,
    ],
    ["no grant_type", () => ({ authorization: basic(clientId, secret), body: "" }), "invalid_request", 400],
    [
      "a compressed form (Content-Encoding: gzip)",
      () => ({
        authorization: basic(clientId, secret),
        contentEncoding: "gzip",
        body: form({ grant_type: "client_credentials" }),
      }),
      "invalid_request",
      400,
    ],
    [
      "a repeated parameter",
      () => ({
        authorization: basic(clientId, secret),
        body: "grant_type=client_credentials&grant_type=client_credentials",
      }),
      "invalid_request",
      400,
    ],
    [
      "two client authentication methods",
      () => ({
        authorization: basic(clientId, secret),
        body: form({ ...grant, client_id: clientId, client_secret: secret }),
      }),
      "invalid_request",
      400,
    ],
    [
      "client_secret without client_id",
      () => ({ body: form({ ...grant, client_secret: secret }) }),
      "invalid_request",
      400,
    ],
    [
      "another assertion type",
      () => ({ body: form({ ...grant, client_assertion_type: "urn:x", client_assertion: "a.b.c" }) }),
      "invalid_request",
      400,
    ],
    [
      "an authorization code grant",
      () => ({
        authorization: basic(clientId, secret),
        body: form({ grant_type: "authorization_code", code: "x" }),
      }),
      "unsupported_grant_type",
      400,
    ],
    [
      "the password grant",
      () => ({ body: form({ grant_type: "password", username: "u", password: "p" }) }),
      "unsupported_grant_type",
      400,
    ],
    ["no client authentication", () => ({ body: form(grant) }), "invalid_client", 401],
    [
      "an unknown client",
      () => ({ authorization: basic("nobody", secret), body: form(grant) }),
      "invalid_client",
      401,
    ],
    [
      "a wrong secret",
      () => ({ authorization: basic(clientId, "wrong"), body: form(grant) }),
      "invalid_client",
      401,
    ],
    [
      "a malformed Basic header",
      () => ({ authorization: "Basic !!!", body: form(grant) }),
      "invalid_client",
      401,
    ],
    [
      "an unknown scope",
      () => ({ authorization: basic(clientId, secret), body: form({ ...grant, scope: "scim admin" }) }),
      "invalid_scope",
      400,
    ],
  ];
  test.each(cases)("%s", async (_name, request, error, status) => {
    const response = await respond(request());
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
    expect(response.headers["Cache-Control"]).toBe("no-store");
    if (status === 401) expect(response.headers["WWW-Authenticate"]).toMatch(/^Basic realm=/);
  });

  test("error_description stays within %x20-21 / %x23-5B / %x5D-7E, also when echoing the request", async () => {
    const bodies = await Promise.all([
      respond({ contentType: "application/json", body: "{}" }),
      respond({ body: form({ ...grant, client_assertion_type: "urn:x", client_assertion: "a.b.c" }) }),
      respond({ authorization: basic(clientId, secret), body: 'grant_type=client_credentials&é"=1&é"=2' }),
      respond({ authorization: basic(clientId, secret), body: form({ ...grant, scope: 'sc"im \\x\tÿ' }) }),
    ]);
    for (const { body } of bodies) expect(body.error_description).toMatch(/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
    expect(bodies.map((b) => b.body.error_description)).toEqual([
      "The token request must be application/x-www-form-urlencoded (RFC 6749 section 4.4.2).",
      "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer (RFC 7523 section 2.2).",
      "Parameter '??' appears more than once.",
      "Unknown scope: sc?im ?x??. Offered: scim.",
    ]);
  });

  test("every invalid_client reads the same, whatever the reason", async () => {
    const bodies = await Promise.all([
      respond({ authorization: basic("nobody", secret), body: form(grant) }),
      respond({ authorization: basic(clientId, "wrong"), body: form(grant) }),
      respond({ body: form(grant) }),
    ]);
    expect(new Set(bodies.map((b) => JSON.stringify(b.body))).size).toBe(1);
  });
});

describe("client assertions (RFC 7523, workload identity federation)", () => {
  const federation = () => ({
    issuer: `https://login.microsoftonline.com/${entra.tid}/v2.0`,
    subject: "entra-provisioning-sp",
    audience: "api://AzureADTokenExchange",
  });
  const withAssertion = (assertion: string, extra: Record<string, string> = {}) =>
    issue({
      body: form({
        grant_type: "client_credentials",
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
        ...extra,
      }),
    });
  beforeEach(async () => {
    await registry.federate("contoso", clientId, federation());
  });

  test("a valid assertion gets a token for the federated client's tenant, with or without client_id", async () => {
    expect(await withAssertion(await entra.assertion())).toMatchObject({
      ok: true,
      method: "private_key_jwt",
      tenantId: "contoso",
      clientId,
    });
    expect((await withAssertion(await entra.assertion(), { client_id: clientId })).ok).toBe(true);
    expect(await withAssertion(await entra.assertion(), { client_id: "another" })).toMatchObject({
      error: "invalid_client",
      reason: "client_id_mismatch",
    });
  });

  test.each([
    [
      "wrong issuer",
      { iss: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0" },
      "unknown_federation",
    ],
    ["wrong subject", { sub: "someone-else" }, "unknown_federation"],
    ["wrong audience", { aud: "api://other" }, "wrong_audience"],
    ["expired", { exp: Math.floor(Date.now() / 1000) - 600 }, "expired"],
    ["no jti", { jti: undefined }, "missing_claim"],
    // Unbounded, the jti record's ttl outgrew Cosmos DB's 32-bit field (a year out) or the date (a 500).
    ["valid for a year", { exp: Math.floor(Date.now() / 1000) + 365 * 24 * 3600 }, "exp_too_far"],
    ["valid until the year 318857", { exp: 1e13 }, "exp_too_far"],
  ])("refused: %s", async (_name, claims, reason) => {
    expect(await withAssertion(await entra.assertion(claims))).toMatchObject({
      ok: false,
      error: "invalid_client",
      reason,
    });
  });

  test("a replayed jti is refused, whichever instance sees it (the record is in the store)", async () => {
    const assertion = await entra.assertion();
    expect((await withAssertion(assertion)).ok).toBe(true);
    expect(await withAssertion(assertion)).toMatchObject({
      ok: false,
      error: "invalid_client",
      reason: "replayed_jti",
    });
    const record = [...store.items.values()].find((d) => d.tenantId === "_assertions");
    expect(record).toMatchObject({ type: "assertion" });
    expect((record as { ttl: number }).ttl).toBeGreaterThan(3600);
    expect((record as { ttl: number }).ttl).toBeLessThanOrEqual(3600 + 300);
  });

  test("an assertion valid for as long as Entra's longest-lived tokens (28 h) is accepted", async () => {
    const exp = Math.floor(clock / 1000) + 28 * 3600;
    expect((await withAssertion(await entra.assertion({ exp }))).ok).toBe(true);
    const record = [...store.items.values()].find((d) => d.tenantId === "_assertions");
    expect((record as { ttl: number }).ttl).toBeLessThanOrEqual(28 * 3600 + 300);
  });

  test("an issuer that is not Entra's is never checked against Entra's keys", async () => {
    const { client } = await registry.createClient("contoso");
    await registry.federate("contoso", client.clientId, {
      ...federation(),
      issuer: "https://token.actions.example.com",
    });
    expect(
      await withAssertion(await entra.assertion({ iss: "https://token.actions.example.com" })),
    ).toMatchObject({
      ok: false,
      reason: "wrong_issuer",
    });
  });

  test("Entra's keys unreachable: the endpoint throws the 503, it does not refuse the client", async () => {
    entra.failing.keys = true;
    try {
      await expect(withAssertion(await entra.assertion())).rejects.toMatchObject({ status: 503 });
    } finally {
      entra.failing.keys = false;
    }
  });
});
