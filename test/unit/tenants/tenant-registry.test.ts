import { beforeEach, describe, expect, test } from "vitest";
import { lookupId, sha256Hex } from "../../../shared/tenants/tenant-document.js";
import { TenantError } from "../../../shared/tenants/tenant-error.js";
import { TenantRegistry } from "../../../shared/tenants/tenant-registry.js";
import { MemoryTenantStore } from "../../support/memory-tenant-store.js";

const TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
let store: MemoryTenantStore;
let registry: TenantRegistry;
let now: Date;

beforeEach(async () => {
  store = new MemoryTenantStore();
  now = new Date("2026-03-01T10:00:00Z");
  registry = new TenantRegistry(store, () => now);
  await registry.create("contoso", "Contoso");
  await registry.create("fabrikam");
});

const code = async (run: Promise<unknown>) => {
  try {
    await run;
    return "ok";
  } catch (error) {
    if (error instanceof TenantError) return error.code;
    throw error;
  }
};

describe("tenants", () => {
  test("ids are validated (they become partition keys); `_` is reserved", async () => {
    expect(await code(registry.create("_credentials"))).toBe("invalid");
    expect(await code(registry.create("a/b"))).toBe("invalid");
    expect(await code(registry.create("x".repeat(65)))).toBe("invalid");
    expect(await code(registry.create("contoso"))).toBe("exists");
    expect((await registry.list()).map((t) => t.id)).toEqual(["contoso", "fabrikam"]);
  });

  test("labels and display names are one short line: they are table cells and fill the tenant document", async () => {
    for (const bad of ["x".repeat(257), "two\nlines", "tab\there", "\u001b[31mred", "a\u2028b"]) {
      expect(await code(registry.create("other", bad))).toBe("invalid");
      expect(await code(registry.createToken("contoso", { label: bad }))).toBe("invalid");
      expect(await code(registry.createClient("contoso", { label: bad }))).toBe("invalid");
    }
    const { client } = await registry.createClient("contoso");
    expect(await code(registry.addClientSecret("contoso", client.clientId, { label: "x".repeat(257) }))).toBe(
      "invalid",
    );
    // Nothing was registered for a refused label: no credential, no claim.
    const tenant = await registry.get("contoso");
    expect([tenant.tokens.length, tenant.clients.length, tenant.clients[0]?.secrets.length]).toEqual([
      0, 1, 1,
    ]);
    expect(await code(registry.get("other"))).toBe("not_found");
    expect(await code(registry.createToken("contoso", { label: "Entra – prod (ü) ".repeat(10) }))).toBe("ok");
  });

  test("suspend and resume record when the status changed", async () => {
    now = new Date("2026-03-02T00:00:00Z");
    expect((await registry.suspend("contoso")).status).toBe("suspended");
    expect((await registry.get("contoso")).statusChanged).toBe("2026-03-02T00:00:00.000Z");
    expect((await registry.resume("contoso")).status).toBe("active");
    expect(await code(registry.suspend("nobody"))).toBe("not_found");
  });
});

describe("Secret Tokens", () => {
  test("only the digest is stored, with a lookup claiming it; the id is the log fingerprint", async () => {
    const { token, credential } = await registry.createToken("contoso", { label: "entra" });
    expect(credential.sha256).toBe(sha256Hex(token));
    expect(credential.id).toBe(sha256Hex(token).slice(0, 8));
    expect(JSON.stringify([...store.items.values()])).not.toContain(token);
    expect((await store.readLookup(lookupId.token(credential.sha256)))?.owner).toBe("contoso");
  });

  test("revoking removes it from the tenant first, then its lookup", async () => {
    const { credential } = await registry.createToken("contoso");
    await registry.revokeToken("contoso", credential.id);
    expect((await registry.get("contoso")).tokens).toEqual([]);
    expect(await store.readLookup(lookupId.token(credential.sha256))).toBeUndefined();
    expect(await code(registry.revokeToken("contoso", credential.id))).toBe("not_found");
  });

  test("an expiry must be a date; last use is recorded once per day", async () => {
    expect(await code(registry.createToken("contoso", { expires: "soon" }))).toBe("invalid");
    const { credential } = await registry.createToken("contoso", { expires: "2026-04-01" });
    expect(credential.expires).toBe("2026-04-01T00:00:00.000Z");
    await registry.markTokenUsed("contoso", credential.id, "2026-03-01");
    const etag = (await registry.get("contoso"))._etag;
    await registry.markTokenUsed("contoso", credential.id, "2026-03-01");
    expect((await registry.get("contoso"))._etag).toBe(etag);
    expect((await registry.get("contoso")).tokens[0]?.lastUsed).toBe("2026-03-01");
  });
});

describe("one credential, one tenant", () => {
  test("an Entra tenant id is claimed by one tenant; allowing it again is a no-op", async () => {
    await registry.allowDirectory("contoso", TID.toUpperCase());
    await registry.allowDirectory("contoso", TID);
    expect((await registry.get("contoso")).entraTenants.map((d) => d.tid)).toEqual([TID]);
    expect(await code(registry.allowDirectory("fabrikam", TID))).toBe("conflict");
    expect(await code(registry.allowDirectory("fabrikam", "not-a-guid"))).toBe("invalid");
    await registry.disallowDirectory("contoso", TID);
    await registry.allowDirectory("fabrikam", TID);
    expect((await store.readLookup(lookupId.tid(TID)))?.owner).toBe("fabrikam");
  });

  test("concurrent registrations of one tid for two tenants: exactly one wins", async () => {
    const results = await Promise.all([
      code(registry.allowDirectory("contoso", TID)),
      code(registry.allowDirectory("fabrikam", TID)),
    ]);
    expect(results.sort()).toEqual(["conflict", "ok"]);
    const owners = [
      (await registry.get("contoso")).entraTenants,
      (await registry.get("fabrikam")).entraTenants,
    ];
    expect(owners.filter((d) => d.length === 1)).toHaveLength(1);
  });

  test("a federated subject belongs to one client of one tenant", async () => {
    const a = await registry.createClient("contoso");
    const b = await registry.createClient("fabrikam");
    const federation = {
      issuer: `https://login.microsoftonline.com/${TID}/v2.0`,
      subject: "sp",
      audience: "aud",
    };
    const created = await registry.federate("contoso", a.client.clientId, federation);
    expect(await registry.federate("contoso", a.client.clientId, federation)).toEqual(created);
    expect(await code(registry.federate("fabrikam", b.client.clientId, federation))).toBe("conflict");
    const c = await registry.createClient("contoso");
    expect(await code(registry.federate("contoso", c.client.clientId, federation))).toBe("conflict");
    expect(
      await code(registry.federate("contoso", a.client.clientId, { ...federation, issuer: "http://x" })),
    ).toBe("invalid");
  });

  test("a dangling claim (its tenant does not list it) is taken over once it is old", async () => {
    await store.createLookup({
      id: lookupId.tid(TID),
      tenantId: "_credentials",
      type: "credential",
      kind: "tid",
      owner: "contoso",
      created: now.toISOString(),
    });
    // Young: maybe a registration in flight.
    expect(await code(registry.allowDirectory("fabrikam", TID))).toBe("conflict");
    now = new Date(now.getTime() + 11 * 60_000);
    expect(await code(registry.allowDirectory("fabrikam", TID))).toBe("ok");
    expect((await store.readLookup(lookupId.tid(TID)))?.owner).toBe("fabrikam");
  });

  test("a claim whose recording fails is released", async () => {
    for (let i = 0; i < 20; i++)
      await registry.allowDirectory("contoso", `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`);
    expect(await code(registry.allowDirectory("contoso", TID))).toBe("limit");
    expect(await store.readLookup(lookupId.tid(TID))).toBeUndefined();
  });
});

describe("OAuth clients", () => {
  test("secrets rotate (several active), revoke one, delete the client with its lookups", async () => {
    const { client, secretId } = await registry.createClient("contoso", { label: "gallery" });
    const second = await registry.addClientSecret("contoso", client.clientId, { label: "next" });
    let stored = (await registry.get("contoso")).clients[0];
    expect(stored?.secrets.map((s) => s.id)).toEqual([secretId, second.credential.id]);
    await registry.revokeClientSecret("contoso", client.clientId, secretId);
    stored = (await registry.get("contoso")).clients[0];
    expect(stored?.secrets.map((s) => s.id)).toEqual([second.credential.id]);
    const federation = {
      issuer: `https://login.microsoftonline.com/${TID}/v2.0`,
      subject: "sp",
      audience: "aud",
    };
    await registry.federate("contoso", client.clientId, federation);
    await registry.deleteClient("contoso", client.clientId);
    expect((await registry.get("contoso")).clients).toEqual([]);
    expect(await store.readLookup(lookupId.client(client.clientId))).toBeUndefined();
    expect(await store.readLookup(lookupId.federated(federation.issuer, "sp"))).toBeUndefined();
    expect(await code(registry.addClientSecret("contoso", client.clientId))).toBe("not_found");
  });
});

const federation = {
  issuer: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
  subject: "sp",
  audience: "api://AzureADTokenExchange",
};

describe("deleting a tenant", () => {
  test("begins by refusing credentials and releasing every claim; ends with the tenant document", async () => {
    const { credential } = await registry.createToken("contoso");
    await registry.allowDirectory("contoso", TID);
    const { client } = await registry.createClient("contoso");
    expect(await code(registry.finishDelete("contoso"))).toBe("conflict");
    const { tenant: deleting } = await registry.beginDelete("contoso");
    expect(deleting.status).toBe("deleting");
    expect([...store.items.values()].filter((d) => d.tenantId === "_credentials")).toEqual([]);
    expect(await code(registry.resume("contoso"))).toBe("conflict");
    expect(await code(registry.createToken("contoso"))).toBe("conflict");
    expect(await code(registry.addClientSecret("contoso", client.clientId))).toBe("conflict");
    expect(await code(registry.federate("contoso", client.clientId, federation))).toBe("conflict");
    expect((await registry.get("contoso")).clients[0]?.secrets).toHaveLength(1);
    await registry.beginDelete("contoso"); // repeatable
    await registry.finishDelete("contoso");
    expect(await code(registry.get("contoso"))).toBe("not_found");
    // The credentials are free for another tenant.
    await registry.allowDirectory("fabrikam", TID);
    expect(credential.id).toHaveLength(8);
  });

  test("the caches are waited out from when the tenant stopped being active, as the delete's own write found it", async () => {
    const suspended = "2026-03-01T10:00:00.000Z";
    await registry.suspend("contoso");
    await registry.suspend("fabrikam");
    now = new Date("2026-03-01T12:00:00Z");
    // Long suspended: its credentials have been refused since then, no wait is left.
    expect((await registry.beginDelete("fabrikam")).inactiveSince).toBe(suspended);
    // Run again (resuming): from when the delete began, not from this run.
    now = new Date("2026-03-01T13:00:00Z");
    expect((await registry.beginDelete("fabrikam")).inactiveSince).toBe("2026-03-01T12:00:00.000Z");
    // Resumed by another operator between the delete's read and its write: active a moment ago, so
    // an instance may hold it as active; the whole grace period is waited from now.
    const replaceTenant = store.replaceTenant;
    store.replaceTenant = async (tenant, etag) => {
      store.replaceTenant = replaceTenant;
      await registry.resume("contoso");
      return replaceTenant(tenant, etag);
    };
    const { tenant, inactiveSince } = await registry.beginDelete("contoso");
    expect(tenant.status).toBe("deleting");
    expect(inactiveSince).toBe(now.toISOString());
  });

  test("a credential registered while a delete begins is refused, and its claim released", async () => {
    // The delete begins after the registration's own check and claim, before its write.
    const createLookup = store.createLookup;
    store.createLookup = async (lookup) => {
      const created = await createLookup(lookup);
      await registry.beginDelete("contoso");
      return created;
    };
    expect(await code(registry.createToken("contoso"))).toBe("conflict");
    store.createLookup = createLookup;
    expect((await registry.get("contoso")).tokens).toEqual([]);
    expect([...store.items.values()].filter((d) => d.tenantId === "_credentials")).toEqual([]);
  });
});
