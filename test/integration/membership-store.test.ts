import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildDocument } from "../../shared/operations/build-document.js";
import { createServices, type Services } from "../../shared/services.js";
import type { MemberRecord } from "../../shared/store/membership-store.js";
import { startTestCosmos, type TestCosmos } from "../support/test-cosmos.js";

let cosmos: TestCosmos;
let s: Services;
let T = "tenant-a";
let OTHER = "tenant-b";

beforeAll(async () => {
  cosmos = await startTestCosmos();
  s = await createServices(cosmos.env);
  T = cosmos.tenant("tenant-a");
  OTHER = cosmos.tenant("tenant-b");
}, 60_000);
afterAll(async () => {
  await cosmos?.close();
});

async function seedUser(tenantId: string): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  const doc = buildDocument(s.resourceTypes.User, {
    id,
    resource: { userName: `${id}@x.com` },
    created: now,
    lastModified: now,
    passwordHash: undefined,
  });
  expect((await s.scope(tenantId).users.create(doc)).ok).toBe(true);
  return id;
}

async function seedGroup(tenantId: string): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  const doc = buildDocument(s.resourceTypes.Group, {
    id,
    resource: { displayName: `Group ${id}` },
    created: now,
    lastModified: now,
    passwordHash: undefined,
  });
  expect((await s.scope(tenantId).groups.create(doc)).ok).toBe(true);
  return id;
}

async function allMembers(tenantId: string, groupId: string) {
  const out: string[] = [];
  let continuation: string | undefined;
  let pages = 0;
  do {
    const page = await s.scope(tenantId).memberships.membersPage(groupId, continuation);
    out.push(...page.items.map((m) => m.memberId));
    continuation = page.continuation;
    pages++;
  } while (continuation);
  return { ids: out.sort(), pages };
}

const records = (ids: string[]): MemberRecord[] => ids.map((id) => ({ id, type: "User" }));

describe("CosmosMembershipStore on the embedded server", () => {
  test("add is idempotent (a present member is a no-op), point and batch paths alike", async () => {
    const g = randomUUID();
    await s.scope(T).memberships.add(g, records(["u1"]));
    await s.scope(T).memberships.add(g, records(["u1"]));
    // 250 members: three batches, the first of which holds an existing member (u1).
    const many = ["u1", ...Array.from({ length: 249 }, (_, i) => `m${i}`)];
    await s.scope(T).memberships.add(g, records(many));
    await s.scope(T).memberships.add(g, records(many));
    const { ids, pages } = await allMembers(T, g);
    expect(ids).toEqual([...many].sort());
    expect(pages).toBe(1);
  });

  test("remove ignores non-members and ids Cosmos could not store", async () => {
    const g = randomUUID();
    await s.scope(T).memberships.add(g, records(["a", "b", "c"]));
    await s.scope(T).memberships.remove(g, ["b", "zz", "x/y", "q?"]);
    expect((await allMembers(T, g)).ids).toEqual(["a", "c"]);
    const many = Array.from({ length: 120 }, (_, i) => `n${i}`);
    await s.scope(T).memberships.add(g, records(many));
    await s.scope(T).memberships.remove(g, [...many, "not-there"]);
    expect((await allMembers(T, g)).ids).toEqual(["a", "c"]);
  });

  test("members are paged with continuation tokens (1,000 per page)", async () => {
    const g = randomUUID();
    const ids = Array.from({ length: 2100 }, (_, i) => `p${String(i).padStart(4, "0")}`);
    await s.scope(T).memberships.add(g, records(ids));
    const read = await allMembers(T, g);
    expect(read.ids).toEqual(ids);
    expect(read.pages).toBe(3);
  });

  test("byMembers / byGroups find links across groups, never across tenants", async () => {
    const [g1, g2] = [randomUUID(), randomUUID()];
    await s.scope(T).memberships.add(g1, records(["x1", "x2"]));
    await s.scope(T).memberships.add(g2, [
      { id: "x1", type: "User" },
      { id: g1, type: "Group" },
    ]);
    await s.scope(OTHER).memberships.add(g2, records(["x1"]));
    const groupsOfX1 = await s.scope(T).memberships.byMembers(["x1"], 100);
    expect(groupsOfX1.map((l) => l.groupId).sort()).toEqual([g1, g2].sort());
    const inG2 = await s.scope(T).memberships.byGroups([g2], 100);
    expect(inG2.map((l) => `${l.memberId}:${l.memberType}`).sort()).toEqual(
      [`${g1}:Group`, "x1:User"].sort(),
    );
    expect(await s.scope(T).memberships.byMembers(["x1"], 1)).toHaveLength(2);
    expect(await s.scope(OTHER).memberships.byMembers(["x2"], 100)).toEqual([]);
  });

  test("removeReferences deletes the id's memberships as group and as member, only in its tenant", async () => {
    const [g, parent] = [randomUUID(), randomUUID()];
    await s.scope(T).memberships.add(g, records(Array.from({ length: 150 }, (_, i) => `r${i}`)));
    await s.scope(T).memberships.add(parent, [
      { id: g, type: "Group" },
      { id: "keep", type: "User" },
    ]);
    await s.scope(OTHER).memberships.add(g, records(["other-tenant"]));
    expect(await s.scope(T).memberships.removeReferences(g)).toHaveLength(151);
    expect((await allMembers(T, g)).ids).toEqual([]);
    expect((await allMembers(T, parent)).ids).toEqual(["keep"]);
    expect((await allMembers(OTHER, g)).ids).toEqual(["other-tenant"]);
    expect(await s.scope(T).memberships.removeReferences(g)).toEqual([]);
  });
});

describe("CosmosMemberLookup on the embedded server", () => {
  test("existing: users then groups, by point reads and by query, scoped to the tenant", async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => seedUser(T)));
    const group = await seedGroup(T);
    const foreign = await seedUser(OTHER);
    const few = await s
      .scope(T)
      .memberLookup.existing([users[0] as string, group, foreign, "missing", "bad/id"]);
    // A user comes with what a later `groups` write needs: its version and `groups` as read.
    const seen = { etag: expect.any(String), groups: [] };
    expect(Object.fromEntries(few)).toEqual({
      [users[0] as string]: { type: "User", seen },
      [group]: { type: "Group" },
    });
    // More ids than the point-read threshold: one query per container, with the same answers.
    const many = await s.scope(T).memberLookup.existing([...users, group, foreign, "missing"]);
    expect(many.size).toBe(13);
    expect(many.get(group)).toEqual({ type: "Group" });
    expect(many.get(users[11] as string)).toEqual({ type: "User", seen });
    expect(many.has(foreign)).toBe(false);
  });

  test("groupNames: display names of existing groups only", async () => {
    const g = await seedGroup(T);
    const names = await s.scope(T).memberLookup.groupNames([g, "gone"]);
    expect(Object.fromEntries(names)).toEqual({ [g]: `Group ${g}` });
  });
});
