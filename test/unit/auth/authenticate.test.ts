import { randomUUID } from "node:crypto";
import { exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { mintAccessToken } from "../../../shared/auth/access-token.js";
import { Authenticator, fingerprint, unauthorized } from "../../../shared/auth/authenticate.js";
import { CredentialDirectory } from "../../../shared/auth/credential-directory.js";
import { EntraKeySource, v1MetadataUrl } from "../../../shared/auth/entra-keys.js";
import { type Config, parseConfig } from "../../../shared/config.js";
import { ScimError } from "../../../shared/errors/scim-error.js";
import { TenantRegistry } from "../../../shared/tenants/tenant-registry.js";
import { type EntraStub, startEntraStub } from "../../support/entra-stub.js";
import { MemoryTenantStore } from "../../support/memory-tenant-store.js";

let entra: EntraStub;
let store: MemoryTenantStore;
let registry: TenantRegistry;
let config: Config;
let clock: number;
let auth: Authenticator;
const used: string[] = [];
const logs: string[] = [];
const log = (m: string) => logs.push(m);

const build = (env: Record<string, string> = {}) => {
  config = parseConfig({
    COSMOS_ENDPOINT: "http://127.0.0.1:1",
    SCIM_ENTRA_AUTHORITY: entra.authority,
    SCIM_TOKEN: "deployment-wide-token-0123456789",
    ...env,
  });
  const directory = new CredentialDirectory(store, { ttlMs: 30_000, maxEntries: 1000, now: () => clock });
  auth = new Authenticator({
    config,
    directory,
    entraKeys: new EntraKeySource(v1MetadataUrl(entra.authority)),
    markTokenUsed: async (tenantId, tokenId, day) => {
      used.push(`${tenantId}/${tokenId}/${day}`);
      await registry.markTokenUsed(tenantId, tokenId, day);
    },
    now: () => new Date(clock),
  });
};
const bearer = (token: string) => auth.authenticate(`Bearer ${token}`, log);

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
  await registry.create("contoso");
  await registry.create("fabrikam");
  used.length = 0;
  logs.length = 0;
  build();
});

describe("Secret Tokens", () => {
  test("resolve to their tenant; a warm instance needs no read", async () => {
    const { token } = await registry.createToken("contoso");
    expect(await bearer(token)).toEqual({ ok: true, tenantId: "contoso", method: "secret-token" });
    const reads = store.reads;
    for (let i = 0; i < 5; i++) expect((await bearer(token)).ok).toBe(true);
    expect(store.reads).toBe(reads);
  });

  test("a token created after its tenant was cached works at once: a new lookup re-reads the tenant", async () => {
    const a = await registry.createToken("contoso");
    expect((await bearer(a.token)).ok).toBe(true);
    const b = await registry.createToken("contoso");
    expect((await bearer(b.token)).ok).toBe(true);
  });

  test("two active tokens rotate: revoking one leaves the other; the revoked one fails after the TTL", async () => {
    const a = await registry.createToken("contoso");
    const b = await registry.createToken("contoso");
    expect((await bearer(a.token)).ok && (await bearer(b.token)).ok).toBe(true);
    await registry.revokeToken("contoso", a.credential.id);
    // Within the cache time a warm instance still accepts it (documented: at most the cache time)...
    clock += 29_000;
    expect((await bearer(a.token)).ok).toBe(true);
    // ...and not after.
    clock += 1_000;
    expect(await bearer(a.token)).toMatchObject({ ok: false, reason: "unknown_token" });
    expect((await bearer(b.token)).ok).toBe(true);
  });

  test("expiry is checked on every request, cached or not", async () => {
    const { token } = await registry.createToken("contoso", {
      expires: new Date(clock + 5_000).toISOString(),
    });
    expect((await bearer(token)).ok).toBe(true);
    clock += 5_000;
    expect(await bearer(token)).toMatchObject({ ok: false, reason: "expired" });
  });

  test("suspension takes effect within the cache time, resume likewise", async () => {
    const { token } = await registry.createToken("contoso");
    expect((await bearer(token)).ok).toBe(true);
    await registry.suspend("contoso");
    clock += 30_000;
    expect(await bearer(token)).toMatchObject({ ok: false, reason: "tenant_suspended" });
    await registry.resume("contoso");
    clock += 30_000;
    expect((await bearer(token)).ok).toBe(true);
  });

  test("a dangling lookup (the tenant does not list the token) grants nothing", async () => {
    const { token, credential } = await registry.createToken("contoso");
    const tenant = await registry.get("contoso");
    await store.replaceTenant({ ...tenant, tokens: [] }, tenant._etag ?? "");
    clock += 30_000;
    expect(await bearer(token)).toMatchObject({ ok: false, reason: "revoked" });
    expect(credential.id).toBe(fingerprint(token));
  });

  test("the deployment-wide token maps to SCIM_TENANT_ID and obeys that tenant's status if it exists", async () => {
    build({ SCIM_TENANT_ID: "contoso" });
    expect(await bearer("deployment-wide-token-0123456789")).toEqual({
      ok: true,
      tenantId: "contoso",
      method: "secret-token",
    });
    await registry.suspend("contoso");
    clock += 30_000;
    expect(await bearer("deployment-wide-token-0123456789")).toMatchObject({ reason: "tenant_suspended" });
    build({ SCIM_TENANT_ID: "default" }); // no tenant document: zero-config single tenant
    expect((await bearer("deployment-wide-token-0123456789")).ok).toBe(true);
  });

  test("last use is written once a day per token, off the request path; a failed write is only logged", async () => {
    const { token, credential } = await registry.createToken("contoso");
    await bearer(token);
    await bearer(token);
    await new Promise((r) => setTimeout(r, 10));
    const day = new Date(clock).toISOString().slice(0, 10);
    expect(used).toEqual([`contoso/${credential.id}/${day}`]);
    expect((await registry.get("contoso")).tokens[0]?.lastUsed).toBe(day);
    auth = new Authenticator({
      config,
      directory: new CredentialDirectory(store, { ttlMs: 0, maxEntries: 10 }),
      entraKeys: new EntraKeySource(v1MetadataUrl(entra.authority)),
      markTokenUsed: () => Promise.reject(new Error("Cosmos is down")),
      now: () => new Date(clock + 86_400_000),
    });
    expect((await bearer(token)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(logs.join("\n")).toContain("Cosmos is down");
  });

  test("every refusal carries a reason and a fingerprint, never the token; the 401 is the same", async () => {
    const failure = await bearer("some-unknown-token-value");
    expect(failure).toEqual({
      ok: false,
      reason: "unknown_token",
      fingerprint: fingerprint("some-unknown-token-value"),
    });
    expect(await auth.authenticate(undefined, log)).toMatchObject({ ok: false, reason: "missing" });
    expect(await auth.authenticate("Basic abc", log)).toMatchObject({ ok: false, reason: "missing" });
    expect(await auth.authenticate("Bearer  ", log)).toMatchObject({ ok: false, reason: "missing" });
    if (failure.ok) return;
    const error = unauthorized(failure);
    // A token sent, but not as one token: malformed, answered like any other refused token.
    for (const header of ["Bearer some-unknown token-value", "Bearer\tsome-unknown-token-value"]) {
      const malformed = await auth.authenticate(header, log);
      expect(malformed).toMatchObject({ ok: false, reason: "malformed" });
      if (malformed.ok) continue;
      expect(unauthorized(malformed).headers).toEqual(error.headers);
      expect(unauthorized(malformed).body()).toEqual(error.body());
    }
    expect(await auth.authenticate("Bearer some-unknown token-value \t ", log)).toEqual({
      ok: false,
      reason: "malformed",
      fingerprint: fingerprint("some-unknown token-value"),
    });
    expect(error.status).toBe(401);
    expect(error.headers["WWW-Authenticate"]).toBe('Bearer realm="scim", error="invalid_token"');
    const suspended = unauthorized({ ok: false, reason: "tenant_suspended", fingerprint: "x" });
    expect(suspended.body()).toEqual(error.body());
  });
});

test("a long header with white space inside is refused in linear time (no regex backtracking)", async () => {
  // Unauthenticated input: a lazy group before `\s*$` made 60,000 spaces take seconds of CPU, so
  // 200,000 would take minutes; linear, it is a millisecond, far below a bound a busy machine keeps.
  const header = `Bearer x${" ".repeat(200_000)}y`;
  const started = performance.now();
  expect(await auth.authenticate(header, log)).toMatchObject({ ok: false, reason: "malformed" });
  expect(performance.now() - started).toBeLessThan(2_000);
});

describe("Entra-issued JWTs", () => {
  beforeEach(async () => {
    await registry.allowDirectory("contoso", entra.tid);
  });

  test("a token of a registered tid resolves to its tenant", async () => {
    expect(await bearer(await entra.provisioningToken())).toEqual({
      ok: true,
      tenantId: "contoso",
      method: "entra-jwt",
    });
  });

  test("a configured application id is accepted as audience too", async () => {
    build({ SCIM_ENTRA_AUDIENCES: "api://vendor-app" });
    expect((await bearer(await entra.provisioningToken({ aud: "api://vendor-app" }))).ok).toBe(true);
  });

  const rejections: [string, () => Promise<string>, string][] = [
    ["wrong iss", () => entra.provisioningToken({ iss: "https://sts.windows.net/evil/" }), "wrong_issuer"],
    [
      "v2 iss for a v1 token",
      () => entra.provisioningToken({ iss: `https://login.microsoftonline.com/${entra.tid}/v2.0` }),
      "wrong_issuer",
    ],
    [
      "wrong aud",
      () => entra.provisioningToken({ aud: "00000003-0000-0000-c000-000000000000" }),
      "wrong_audience",
    ],
    ["unregistered tid", () => entra.provisioningToken({ tid: randomUUID() }), "unregistered_tid"],
    [
      "expired beyond the skew",
      () => entra.provisioningToken({ exp: Math.floor(Date.now() / 1000) - 301 }),
      "expired",
    ],
    [
      "nbf in the future beyond the skew",
      () => entra.provisioningToken({ nbf: Math.floor(Date.now() / 1000) + 301 }),
      "not_yet_valid",
    ],
    ["no exp", () => entra.provisioningToken({ exp: undefined }), "missing_claim"],
    ["missing kid", () => entra.provisioningToken({}, { kid: null }), "missing_kid"],
    ["unknown kid", () => entra.provisioningToken({}, { kid: "not-a-key" }), "unknown_kid"],
    [
      "alg none",
      async () =>
        new UnsecuredJWT({
          tid: entra.tid,
          iss: `https://sts.windows.net/${entra.tid}/`,
          aud: "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
        })
          .setExpirationTime("1h")
          .encode(),
      "alg_not_allowed",
    ],
    [
      "HS256 signed with the RSA public key",
      async () =>
        new SignJWT({
          tid: entra.tid,
          iss: `https://sts.windows.net/${entra.tid}/`,
          aud: "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
        })
          .setProtectedHeader({ alg: "HS256", kid: entra.kid })
          .setExpirationTime("1h")
          .sign(new TextEncoder().encode(await exportSPKI(entra.keys.publicKey))),
      "alg_not_allowed",
    ],
    [
      "signed by another key under Entra's kid",
      async () => {
        const other = await generateKeyPair("RS256");
        return new SignJWT({
          tid: entra.tid,
          iss: `https://sts.windows.net/${entra.tid}/`,
          aud: "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
        })
          .setProtectedHeader({ alg: "RS256", kid: entra.kid })
          .setExpirationTime("1h")
          .sign(other.privateKey);
      },
      "bad_signature",
    ],
    [
      "tampered payload",
      async () => {
        const [h, p, s] = (await entra.provisioningToken()).split(".");
        const claims = JSON.parse(Buffer.from(p ?? "", "base64url").toString());
        const forged = Buffer.from(JSON.stringify({ ...claims, oid: "someone-else" })).toString("base64url");
        return `${h}.${forged}.${s}`;
      },
      "bad_signature",
    ],
    [
      "tampered signature",
      async () => {
        const [h, p, s = ""] = (await entra.provisioningToken()).split(".");
        return `${h}.${p}.${s.startsWith("A") ? "B" : "A"}${s.slice(1)}`;
      },
      "bad_signature",
    ],
  ];

  test.each(rejections)("refused: %s", async (_name, make, reason) => {
    expect(await bearer(await make())).toMatchObject({ ok: false, reason });
  });

  test("within 5 minutes of skew, expired and not-yet-valid tokens still pass", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await bearer(await entra.provisioningToken({ exp: now - 200 }))).ok).toBe(true);
    expect((await bearer(await entra.provisioningToken({ nbf: now + 200 }))).ok).toBe(true);
  });

  test("a disallowed tid or a suspended tenant stops working within the cache time", async () => {
    const token = await entra.provisioningToken();
    expect((await bearer(token)).ok).toBe(true);
    await registry.disallowDirectory("contoso", entra.tid);
    clock += 30_000;
    expect(await bearer(token)).toMatchObject({ ok: false, reason: "unregistered_tid" });
  });

  test("keys are cached by kid; an unknown kid refetches at most once a minute", async () => {
    build();
    await bearer(await entra.provisioningToken());
    const fetched = entra.fetches.keys;
    for (let i = 0; i < 3; i++) await bearer(await entra.provisioningToken());
    expect(entra.fetches.keys).toBe(fetched);
    for (let i = 0; i < 3; i++) await bearer(await entra.provisioningToken({}, { kid: `unknown-${i}` }));
    expect(entra.fetches.keys).toBe(fetched);
  });

  test("Entra's keys or metadata unreachable: a 503 with Retry-After, not a 401", async () => {
    build();
    entra.failing.metadata = true;
    try {
      const error = await bearer(await entra.provisioningToken()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScimError);
      expect(error).toMatchObject({ status: 503, headers: { "Retry-After": "30" } });
    } finally {
      entra.failing.metadata = false;
    }
    build();
    entra.failing.keys = true;
    try {
      await expect(bearer(await entra.provisioningToken())).rejects.toMatchObject({ status: 503 });
    } finally {
      entra.failing.keys = false;
    }
    expect((await bearer(await entra.provisioningToken())).ok).toBe(true);
  });
});

describe("access tokens of the token endpoint", () => {
  test("verified without a read on a warm instance; revoked with their client, secret or tenant", async () => {
    const { client, secretId } = await registry.createClient("contoso");
    const mint = (credential = `secret:${secretId}`, tenantId = "contoso") =>
      mintAccessToken(
        config.signingKeys,
        { tenantId, clientId: client.clientId, credential, scope: "scim" },
        3600,
        new Date(clock),
      );
    const token = await mint();
    expect(await bearer(token)).toEqual({ ok: true, tenantId: "contoso", method: "access-token" });
    const reads = store.reads;
    expect((await bearer(token)).ok).toBe(true);
    expect(store.reads).toBe(reads);
    expect(await bearer(await mint(`secret:${secretId}`, "fabrikam"))).toMatchObject({
      reason: "tenant_mismatch",
    });
    expect(await bearer(await mint("secret:00000000"))).toMatchObject({ reason: "revoked" });
    await registry.suspend("contoso");
    clock += 30_000;
    expect(await bearer(token)).toMatchObject({ reason: "tenant_suspended" });
    await registry.resume("contoso");
    await registry.revokeClientSecret("contoso", client.clientId, secretId);
    clock += 30_000;
    expect(await bearer(token)).toMatchObject({ reason: "revoked" });
  });

  test("a token issued elsewhere with a secret this instance has not seen yet works at once", async () => {
    const { client, secretId } = await registry.createClient("contoso");
    const claims = { tenantId: "contoso", clientId: client.clientId, scope: "scim" };
    const first = await mintAccessToken(
      config.signingKeys,
      { ...claims, credential: `secret:${secretId}` },
      3600,
    );
    expect((await bearer(first)).ok).toBe(true); // the tenant is now cached here
    const next = await registry.addClientSecret("contoso", client.clientId);
    const second = await mintAccessToken(
      config.signingKeys,
      { ...claims, credential: `secret:${next.credential.id}` },
      3600,
    );
    expect((await bearer(second)).ok).toBe(true);
  });

  test("expired, foreign-key and tampered access tokens are refused", async () => {
    const { client, secretId } = await registry.createClient("contoso");
    const claims = {
      tenantId: "contoso",
      clientId: client.clientId,
      credential: `secret:${secretId}`,
      scope: "scim",
    };
    const old = await mintAccessToken(config.signingKeys, claims, 300, new Date(clock - 400_000));
    expect(await bearer(old)).toMatchObject({ reason: "expired" });
    const otherProcess = parseConfig({ COSMOS_ENDPOINT: "http://127.0.0.1:1" });
    expect(
      await bearer(await mintAccessToken(otherProcess.signingKeys, claims, 300, new Date(clock))),
    ).toMatchObject({
      reason: "bad_signature",
    });
    const [h, , s] = (await mintAccessToken(config.signingKeys, claims, 300, new Date(clock))).split(".");
    const forged = Buffer.from(
      JSON.stringify({
        iss: "urn:scim-entra-functions:oauth2",
        scim_tenant: "fabrikam",
        sub: client.clientId,
      }),
    ).toString("base64url");
    expect(await bearer(`${h}.${forged}.${s}`)).toMatchObject({ reason: "bad_signature" });
  });
});
