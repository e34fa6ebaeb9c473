import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  EMULATOR_KEY,
  type EmbeddedCosmos,
  startEmbeddedCosmos,
} from "../../shared/local/embedded-cosmos.js";
import { buildDocument } from "../../shared/operations/build-document.js";
import { buildResourceTypes } from "../../shared/schema/resource-type.js";
import { createServices, type Services } from "../../shared/services.js";

const User = buildResourceTypes().User;
let cosmos: EmbeddedCosmos;
let services: Services;

const doc = (id: string, tenantId: string, userName: string) =>
  buildDocument(User, {
    id,
    tenantId,
    resource: { userName, active: true },
    created: "2026-01-01T00:00:00.000Z",
    lastModified: "2026-01-01T00:00:00.000Z",
    pw: undefined,
  });

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  services = await createServices({
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: EMULATOR_KEY,
    SCIM_TOKEN: "x".repeat(32),
  });
});
afterAll(async () => {
  await cosmos?.close();
});

describe("CosmosResourceStore on the embedded server", () => {
  test("create, read, unique key per tenant on the lower-cased userName", async () => {
    const store = services.users;
    const created = await store.create(doc("u1", "t1", "Ann@X.com"));
    expect(created.ok).toBe(true);
    expect((await store.read("t1", "u1"))?.r.userName).toBe("Ann@X.com");
    expect(await store.create(doc("u2", "t1", "ANN@x.COM"))).toEqual({ ok: false, reason: "conflict" });
    // Same userName in another tenant (partition) is fine, and tenants never see each other.
    expect((await store.create(doc("u3", "t2", "ann@x.com"))).ok).toBe(true);
    expect(await store.read("t2", "u1")).toBeUndefined();
  });

  test("replace with the read version succeeds once; the stale version is reported, not thrown", async () => {
    const store = services.users;
    await store.create(doc("r1", "t1", "bob@x.com"));
    const current = await store.read("t1", "r1");
    const first = await store.replace(doc("r1", "t1", "bob2@x.com"), current?.etag ?? "");
    expect(first.ok).toBe(true);
    const second = await store.replace(doc("r1", "t1", "bob3@x.com"), current?.etag ?? "");
    expect(second).toEqual({ ok: false, reason: "stale" });
    const taken = await store.replace(doc("r1", "t1", "ann@x.com"), first.ok ? first.value.etag : "");
    expect(taken).toEqual({ ok: false, reason: "conflict" });
  });

  test("query pages through a tenant with continuation, count agrees, delete reports missing", async () => {
    const store = services.users;
    await Promise.all(Array.from({ length: 7 }, (_, i) => store.create(doc(`q${i}`, "t3", `q${i}@x.com`))));
    const seen: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await store.query("t3", {
        orderBy: "c.id ASC",
        maxItemCount: 3,
        ...(continuation ? { continuation } : {}),
      });
      seen.push(...page.items.map((i) => i.id));
      continuation = page.continuation;
    } while (continuation);
    expect(seen).toEqual(["q0", "q1", "q2", "q3", "q4", "q5", "q6"]);
    expect(await store.count("t3", {})).toBe(7);
    const filtered = await store.count("t3", {
      where: 'c.n["userName"] = @p0',
      parameters: [{ name: "@p0", value: "q3@x.com" }],
    });
    expect(filtered).toBe(1);
    expect(await store.delete("t3", "q0")).toEqual({ ok: true });
    expect(await store.delete("t3", "q0")).toEqual({ ok: false, reason: "missing" });
  });
});
