import type { Container, Item } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseConfig } from "../../shared/config.js";
import { buildDocument } from "../../shared/operations/build-document.js";
import { buildResourceTypes } from "../../shared/schema/resource-type.js";
import { createServices, type Services } from "../../shared/services.js";
import { callContext } from "../../shared/store/cosmos-call.js";
import { createCosmosClient } from "../../shared/store/cosmos-client.js";
import { GROUPS_COPY_MAX_BYTES } from "../../shared/store/documents.js";
import { CosmosResourceStore, MAX_ITEM_BYTES } from "../../shared/store/resource-store.js";
import { startTestCosmos, type TestCosmos } from "../support/test-cosmos.js";

const User = buildResourceTypes().User;
let cosmos: TestCosmos;
let services: Services;

const doc = (id: string, userName: string) =>
  buildDocument(User, {
    id,
    resource: { userName, active: true },
    created: "2026-01-01T00:00:00.000Z",
    lastModified: "2026-01-01T00:00:00.000Z",
    passwordHash: undefined,
  });
const store = (tenantId: string) => services.scope(cosmos.tenant(tenantId)).users;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  services = await createServices(cosmos.env);
});
afterAll(async () => {
  await cosmos?.close();
});

describe("CosmosResourceStore on the embedded server", () => {
  test("create, read, unique key per tenant on the lower-cased userName", async () => {
    const created = await store("t1").create(doc("u1", "Ann@X.com"));
    expect(created.ok).toBe(true);
    expect((await store("t1").read("u1"))?.resource.userName).toBe("Ann@X.com");
    expect(await store("t1").create(doc("u2", "ANN@x.COM"))).toEqual({ ok: false, reason: "conflict" });
    // Same userName in another tenant (partition) is fine, and tenants never see each other.
    expect((await store("t2").create(doc("u3", "ann@x.com"))).ok).toBe(true);
    expect(await store("t2").read("u1")).toBeUndefined();
  });

  test("replace with the read version succeeds once; the stale version is reported, not thrown", async () => {
    await store("t1").create(doc("r1", "bob@x.com"));
    const current = await store("t1").read("r1");
    const first = await store("t1").replace(doc("r1", "bob2@x.com"), current?.etag ?? "");
    expect(first.ok).toBe(true);
    const second = await store("t1").replace(doc("r1", "bob3@x.com"), current?.etag ?? "");
    expect(second).toEqual({ ok: false, reason: "stale" });
    const taken = await store("t1").replace(doc("r1", "ann@x.com"), first.ok ? first.value.etag : "");
    expect(taken).toEqual({ ok: false, reason: "conflict" });
  });

  test("query pages through a tenant with continuation, count agrees, delete reports missing", async () => {
    await Promise.all(Array.from({ length: 7 }, (_, i) => store("t3").create(doc(`q${i}`, `q${i}@x.com`))));
    const seen: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await store("t3").query({
        orderBy: "c.id ASC",
        maxItemCount: 3,
        ...(continuation ? { continuation } : {}),
      });
      if (!page.ok) throw new Error("continuation refused");
      seen.push(...page.items.map((i) => i.id));
      continuation = page.continuation;
    } while (continuation);
    expect(seen).toEqual(["q0", "q1", "q2", "q3", "q4", "q5", "q6"]);
    expect(await store("t3").count({})).toBe(7);
    const filtered = await store("t3").count({
      where: 'c.normalized["userName"] = @p0',
      parameters: [{ name: "@p0", value: "q3@x.com" }],
    });
    expect(filtered).toBe(1);
    expect(await store("t3").delete("q0")).toEqual({ ok: true });
    expect(await store("t3").delete("q0")).toEqual({ ok: false, reason: "missing" });
  });

  test("the item limit: users keep room for their groups copy, and Cosmos DB's own 413 is data, never thrown", async () => {
    const tenant = cosmos.tenant("t4");
    const sized = (id: string, bytes: number) => {
      const base = doc(id, `${id}@x.com`);
      const nickName = "x".repeat(Math.floor((bytes - Buffer.byteLength(JSON.stringify(base))) / 2));
      return {
        ...base,
        resource: { ...base.resource, nickName },
        normalized: { ...base.normalized, nickName },
      };
    };
    // Our measure: the users store refuses what would leave no room for the copy.
    const users = services.scope(tenant).users;
    expect(await users.create(sized("l1", MAX_ITEM_BYTES - GROUPS_COPY_MAX_BYTES + 100))).toMatchObject({
      ok: false,
      reason: "tooLarge",
      size: { limit: MAX_ITEM_BYTES - GROUPS_COPY_MAX_BYTES },
    });
    expect((await users.create(sized("l2", MAX_ITEM_BYTES - GROUPS_COPY_MAX_BYTES - 100))).ok).toBe(true);
    // Cosmos DB's: a store that keeps no margin at all sends what Cosmos DB refuses.
    const client = createCosmosClient(parseConfig(cosmos.env).cosmos);
    try {
      const container = client.database(cosmos.env.COSMOS_DATABASE as string).container("users");
      const loose = new CosmosResourceStore(container, tenant, callContext(10_000), { reserveBytes: -8192 });
      const refused = { ok: false, reason: "tooLarge" };
      expect(await loose.create(sized("l3", MAX_ITEM_BYTES + 4096))).toEqual(refused);
      const current = await loose.read("l2");
      expect(await loose.replace(sized("l2", MAX_ITEM_BYTES + 4096), current?.etag ?? "")).toEqual(refused);
      const copy = Array.from({ length: 40 }, (_, i) => ({ value: `g${i}`, display: "d".repeat(2000) }));
      expect(await loose.patch("l2", { groups: copy })).toEqual(refused);
      expect((await loose.read("l2"))?.etag).toBe(current?.etag);
    } finally {
      client.dispose();
    }
  });

  test("a patch retried after a lost answer is a success only if the document carries its values", async () => {
    // A conditional patch meets 408, is retried and meets 412: either its first attempt had landed
    // (our own write moved the version: success) or another writer came in between (its values are
    // not there: stale, so the caller reads again). Taking every such 412 for success lost the
    // other writer's race: a user's groups copy kept only one of two concurrent adds.
    const tenant = "t-patch-retry";
    const users = store(tenant);
    const client = createCosmosClient(parseConfig(cosmos.env).cosmos);
    try {
      const real = client.database(cosmos.env.COSMOS_DATABASE as string).container("users");
      /** The real container, but the first patch of each test fails with a 408 after `meanwhile`. */
      const faulty = (
        meanwhile: (
          item: ReturnType<Container["item"]>,
          ...args: Parameters<Item["patch"]>
        ) => Promise<unknown>,
      ) => {
        let first = true;
        return {
          item: (id: string, pk: string) => {
            const item = real.item(id, pk);
            return {
              read: () => item.read(),
              patch: async (...args: Parameters<Item["patch"]>) => {
                if (!first) return item.patch(...args);
                first = false;
                await meanwhile(item, ...args);
                throw Object.assign(new Error("Request timed out"), { code: 408 });
              },
            };
          },
        } as unknown as Container;
      };
      const ours = [{ value: "g-ours", display: "Ours" }];
      const theirs = [{ value: "g-theirs", display: "Theirs" }];

      await users.create(doc("p1", "p1@x.com"));
      const seen = await users.read("p1");
      // Another writer lands between our lost attempt and its retry.
      const raced = new CosmosResourceStore(
        faulty(async () => users.patch("p1", { groups: theirs })),
        tenant,
        callContext(10_000),
      );
      expect(await raced.patch("p1", { groups: ours }, seen?.etag)).toEqual({ ok: false, reason: "stale" });
      expect((await users.read("p1"))?.groups).toEqual(theirs);

      await users.create(doc("p2", "p2@x.com"));
      const before = await users.read("p2");
      // Our own first attempt landed; only its answer was lost.
      const lost = new CosmosResourceStore(
        faulty((item, operations, options) => item.patch(operations, options)),
        tenant,
        callContext(10_000),
      );
      const done = await lost.patch("p2", { groups: ours, groupsOverflow: false }, before?.etag);
      expect(done.ok && done.value.groups).toEqual(ours);
    } finally {
      client.dispose();
    }
  });
});
