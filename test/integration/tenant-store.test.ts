import type { Container, FeedOptions, SqlQuerySpec } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  EMULATOR_KEY,
  type EmbeddedCosmos,
  startEmbeddedCosmos,
} from "../../shared/local/embedded-cosmos.js";
import { createCosmosClient, ensureContainers } from "../../shared/store/cosmos-client.js";
import { CosmosTenantStore, deleteTenantItems } from "../../shared/store/tenant-store.js";
import { lookupId, newTenant } from "../../shared/tenants/tenant-document.js";
import { TenantError } from "../../shared/tenants/tenant-error.js";
import { TenantRegistry } from "../../shared/tenants/tenant-registry.js";
import { startFaultProxy } from "../support/fault-proxy.js";

let cosmos: EmbeddedCosmos;
let store: CosmosTenantStore;
let database: Awaited<ReturnType<typeof ensureContainers>>;
const TID = "9188040d-6c67-4c5b-b112-36a304b66dad";

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  const client = createCosmosClient({
    endpoint: cosmos.endpoint,
    key: EMULATOR_KEY,
    database: "scim",
    createContainers: true,
    requestTimeoutMs: 10_000,
    managedIdentityClientId: undefined,
  });
  database = await ensureContainers(client, "scim");
  store = new CosmosTenantStore(database.container("tenants"));
});
afterAll(async () => {
  await cosmos?.close();
});

describe("CosmosTenantStore on the embedded server", () => {
  test("a tenant id is taken once; a stale ETag is reported, not thrown", async () => {
    const created = await store.createTenant(newTenant("t1", "T1", new Date().toISOString()));
    expect(created.ok).toBe(true);
    expect(await store.createTenant(newTenant("t1", "again", new Date().toISOString()))).toEqual({
      ok: false,
      reason: "conflict",
    });
    const current = await store.readTenant("t1");
    const etag = current?._etag ?? "";
    expect((await store.replaceTenant({ ...current!, displayName: "renamed" }, etag)).ok).toBe(true);
    expect(await store.replaceTenant({ ...current!, displayName: "lost" }, etag)).toEqual({
      ok: false,
      reason: "stale",
    });
    expect((await store.readTenant("t1"))?.displayName).toBe("renamed");
  });

  test("reserved partitions are never read as tenants", async () => {
    expect(await store.readTenant("_credentials")).toBeUndefined();
    expect(await store.readTenant("nobody")).toBeUndefined();
  });

  test("a lookup id Cosmos DB cannot store (a client id as sent) is unknown, not an error", async () => {
    for (const clientId of ["a/b", "a\\b", "a#b", "a?b", "x".repeat(300)]) {
      expect(await store.readLookup(lookupId.client(clientId))).toBeUndefined();
    }
  });

  test("concurrent registrations of one tid by eight tenants: exactly one wins, atomically", async () => {
    const tenants = Array.from({ length: 8 }, (_, i) => `race-${i}`);
    for (const t of tenants) await store.createTenant(newTenant(t, t, new Date().toISOString()));
    // Separate registries: as if on separate instances.
    const results = await Promise.all(
      tenants.map((t) =>
        new TenantRegistry(new CosmosTenantStore(database.container("tenants"))).allowDirectory(t, TID).then(
          () => "ok",
          (e: unknown) => (e instanceof TenantError ? e.code : String(e)),
        ),
      ),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "conflict")).toHaveLength(7);
    const winner = tenants[results.indexOf("ok")];
    expect((await store.readLookup(lookupId.tid(TID)))?.owner).toBe(winner);
    const listing = await Promise.all(tenants.map((t) => store.readTenant(t)));
    expect(listing.filter((t) => t?.entraTenants.length === 1).map((t) => t?.id)).toEqual([winner]);
  });

  test("an assertion jti is recorded once", async () => {
    const record = {
      id: "jti:abc",
      tenantId: "_assertions" as const,
      type: "assertion" as const,
      ttl: 60,
      expires: new Date().toISOString(),
    };
    expect(await store.recordAssertion(record)).toBe("recorded");
    expect(await store.recordAssertion(record)).toBe("replayed");
  });

  test("deleteTenantItems removes one bounded batch of one tenant per call", async () => {
    const users = database.container("users");
    for (let i = 0; i < 5; i++)
      await users.items.create({ id: `u${i}`, tenantId: "gone", normalized: { userName: `u${i}` } });
    await users.items.create({ id: "u0", tenantId: "kept", normalized: { userName: "u0" } });
    expect(await deleteTenantItems(users, "gone", 2)).toBe(2);
    expect(await deleteTenantItems(users, "gone", 2)).toBe(2);
    expect(await deleteTenantItems(users, "gone", 2)).toBe(1);
    expect(await deleteTenantItems(users, "gone", 2)).toBe(0);
    expect((await users.item("u0", "kept").read()).resource?.id).toBe("u0");
    await expect(deleteTenantItems(users, "_credentials", 2)).rejects.toThrow("Not a tenant id");
  });

  test("deleteTenantItems reads past an empty page that has a continuation: 0 means the partition is empty", async () => {
    const users = database.container("users");
    for (let i = 0; i < 3; i++)
      await users.items.create({ id: `e${i}`, tenantId: "emptied", normalized: { userName: `e${i}` } });
    // Real Cosmos DB may answer a first page with no items and a continuation (the embedded server
    // never does): the query's first page is that, the continuation resumes the real query.
    const pausing = {
      item: (id: string, partition: string) => users.item(id, partition),
      items: {
        query: (spec: SqlQuerySpec, options: FeedOptions) =>
          options.continuationToken === "paused"
            ? users.items.query(spec, { ...options, continuationToken: undefined })
            : options.continuationToken === undefined
              ? { fetchNext: async () => ({ resources: [], continuationToken: "paused" }) }
              : users.items.query(spec, options),
      },
    } as unknown as Container;
    expect(await deleteTenantItems(pausing, "emptied", 10)).toBe(3);
    expect(await deleteTenantItems(users, "emptied", 10)).toBe(0);
  });
});

describe("a tenant create whose answer is lost", () => {
  test("is retried into its own document's 409 and reported created; a second create still conflicts", async () => {
    // Over HTTP through a proxy that forwards the first document POST and drops the connection
    // once the server has answered: the create landed, its answer is lost, and the retry meets
    // the document it wrote.
    const proxy = await startFaultProxy(cosmos.endpoint);
    try {
      const client = createCosmosClient({
        endpoint: proxy.endpoint,
        key: EMULATOR_KEY,
        database: "scim",
        createContainers: false,
        requestTimeoutMs: 10_000,
        managedIdentityClientId: undefined,
      });
      const lossy = new CosmosTenantStore(client.database("scim").container("tenants"));
      let held = false;
      proxy.reset((_, request) => {
        if (held || request.method !== "POST" || !request.path.endsWith("/docs")) return undefined;
        held = true;
        return { kind: "lost" };
      });
      const registry = new TenantRegistry(lossy);
      const created = await registry.create("lost-answer", "Lost answer");
      expect(held).toBe(true);
      expect(created).toMatchObject({ id: "lost-answer", displayName: "Lost answer", status: "active" });
      await proxy.idle();
      proxy.reset();
      await expect(registry.create("lost-answer", "Lost answer")).rejects.toMatchObject({ code: "exists" });
      client.dispose();
    } finally {
      await proxy.close();
    }
  });
});
