import { describe, expect, it } from "vitest";
import {
  MAX_MEMBERSHIP_MATCHES,
  MAX_MEMBERSHIP_TEST_WORK,
  membershipFilter,
} from "../../../shared/membership/membership-filter.js";
import {
  planMemberChanges,
  planMemberList,
  resolveMembers,
} from "../../../shared/membership/plan-member-changes.js";
import { derivedAttributes } from "../../../shared/membership/read-memberships.js";
import {
  applyMemberChanges,
  confirmMembers,
  createWithMembers,
  sweepMemberships,
  syncUserGroups,
} from "../../../shared/membership/write-memberships.js";
import type { ResourceKind } from "../../../shared/operations/operation.js";
import { parseProjection } from "../../../shared/schema/projection.js";
import { fitsGroupsCopy, type StoredResource } from "../../../shared/store/documents.js";
import { world } from "./fakes.js";

const BASE = "https://app.example/scim/v2";

/** derivedAttributes as GET /Users/{id} or /Groups/{id} calls it, with the projection of `query`. */
const derived = (w: ReturnType<typeof world>, kind: ResourceKind, id: string, query = "") => {
  const params = new URLSearchParams(query.replace(/^\?/, ""));
  const projection = parseProjection(
    w.resourceTypes[kind],
    params.get("attributes") ?? undefined,
    params.get("excludedAttributes") ?? undefined,
  );
  const r = w.resources.get(id);
  const stored = { id, resource: {}, etag: "e", ...(r?.groups?.length ? { groups: r.groups } : {}) };
  return derivedAttributes(w, kind, stored, projection, BASE);
};

describe("resolveMembers", () => {
  it("returns each member with its stored type, whatever type the client claimed, in one lookup", async () => {
    const w = world();
    const records = await resolveMembers(w.memberLookup, "g1", [
      { value: "u1", type: "Group" },
      { value: "g2" },
      { value: "u1" },
    ]);
    // A user comes with its version and groups as read, for the write that follows.
    expect(records).toEqual([
      { id: "u1", type: "User", seen: { etag: "e0", groups: [] } },
      { id: "g2", type: "Group" },
    ]);
    expect(w.log).toEqual(["existing u1,g2"]);
  });

  it("a missing member is 400 naming it; no member means no lookup", async () => {
    const w = world();
    await expect(
      resolveMembers(w.memberLookup, "g1", [{ value: "u1" }, { value: "nope" }]),
    ).rejects.toMatchObject({
      status: 400,
      scimType: "invalidValue",
      detail: expect.stringContaining('"nope"'),
    });
    expect(await resolveMembers(w.memberLookup, "g1", [])).toEqual([]);
    expect(w.log).toEqual(["existing u1,nope"]);
  });
});

describe("planMemberChanges / applyMemberChanges", () => {
  it("validates before any write: an unknown member writes nothing", async () => {
    const w = world();
    await expect(
      planMemberChanges(w.memberLookup, "g1", {
        removeAll: false,
        remove: ["u1"],
        add: [{ value: "ghost" }],
      }),
    ).rejects.toMatchObject({ scimType: "invalidValue" });
    expect(w.log.filter((l) => !l.startsWith("existing"))).toEqual([]);
  });

  it("add and remove are point changes: re-add and removing a non-member are no-ops", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    const plan = await planMemberChanges(w.memberLookup, "g1", {
      removeAll: false,
      remove: ["u4"],
      add: [{ value: "u1" }, { value: "u2" }],
    });
    expect(plan).toEqual({ replace: undefined, remove: ["u4"], add: expect.any(Array) });
    await applyMemberChanges(w, "g1", plan);
    expect(w.memberships.members("g1")).toEqual(["u1", "u2"]);
    // Never a read of the group's member list: the cost does not depend on the group's size.
    expect(w.log.some((l) => l.startsWith("membersPage"))).toBe(false);
  });

  it("replace writes the difference only; remove-all empties the group", async () => {
    const w = world();
    for (const u of ["u1", "u2", "u3"]) w.memberships.seed("g1", u);
    const plan = await planMemberChanges(w.memberLookup, "g1", {
      removeAll: true,
      remove: [],
      add: [{ value: "u2" }, { value: "u4" }],
    });
    w.log.length = 0;
    await applyMemberChanges(w, "g1", plan);
    expect(w.memberships.members("g1")).toEqual(["u2", "u4"]);
    expect(w.log).toContain("remove g1 u1,u3");
    expect(w.log).toContain("add g1 u4");

    const clear = await planMemberChanges(w.memberLookup, "g1", {
      removeAll: true,
      remove: [],
      add: [],
    });
    await applyMemberChanges(w, "g1", clear);
    expect(w.memberships.members("g1")).toEqual([]);
  });

  it("adding one member: the group's meta bump, after the membership write, is the re-check", async () => {
    const w = world();
    const plan = await planMemberChanges(w.memberLookup, "g1", {
      removeAll: false,
      remove: [],
      add: [{ value: "u1" }],
    });
    w.log.length = 0;
    const { group } = await applyMemberChanges(w, "g1", plan);
    expect(w.log).toEqual(["add g1 u1", "patch g1 lastModified", "patch u1 groups"]);
    expect(group?.id).toBe("g1");
    expect(w.resources.get("u1")?.groups).toEqual([{ value: "g1", display: "Sales" }]);
  });

  it("removing one member: the user is read before the change, then its copy is one write", async () => {
    const w = world();
    await applyMemberChanges(w, "g1", {
      replace: undefined,
      remove: [],
      add: [{ id: "u1", type: "User" }],
    });
    expect(w.resources.get("u1")?.groups).toEqual([{ value: "g1", display: "Sales" }]);
    w.log.length = 0;
    await applyMemberChanges(w, "g1", { replace: undefined, remove: ["u1", "g2"], add: [] });
    // The group's bump comes before the copy, so that a copy still showing the group tells a retry
    // the bump may be missing (`unsettled`).
    expect(w.log).toEqual(["existing u1,g2", "remove g1 u1,g2", "patch g1 lastModified", "patch u1 groups"]);
    expect(w.resources.get("u1")?.groups).toEqual([]);
  });

  it("a group deleted while a member was added: 404, and the membership goes again", async () => {
    const w = world();
    const plan = await planMemberChanges(w.memberLookup, "g1", {
      removeAll: false,
      remove: [],
      add: [{ value: "u1" }],
    });
    w.resources.delete("g1");
    await expect(applyMemberChanges(w, "g1", plan)).rejects.toMatchObject({ status: 404 });
    expect(w.memberships.members("g1")).toEqual([]);
    expect(w.resources.get("u1")?.groups ?? []).toEqual([]);
  });

  it("a PATCH that does not touch members plans no write", async () => {
    const w = world();
    expect(await planMemberChanges(w.memberLookup, "g1", { removeAll: false, remove: [], add: [] })).toEqual({
      replace: undefined,
      remove: [],
      add: [],
    });
  });
});

describe("confirmMembers (the re-check after writing)", () => {
  it("removes the membership of a member deleted meanwhile and returns the others", async () => {
    const w = world();
    await w.memberships.add("g1", [
      { id: "u1", type: "User" },
      { id: "u2", type: "User" },
    ]);
    w.resources.delete("u2");
    const kept = await confirmMembers(w, "g1", [
      { id: "u1", type: "User" },
      { id: "u2", type: "User" },
    ]);
    expect(kept).toEqual([{ id: "u1", type: "User" }]);
    expect(w.memberships.members("g1")).toEqual(["u1"]);
  });

  it("a group deleted meanwhile: its new memberships are removed and the request is 404", async () => {
    const w = world();
    await w.memberships.add("g1", [{ id: "u1", type: "User" }]);
    w.resources.delete("g1");
    await expect(confirmMembers(w, "g1", [{ id: "u1", type: "User" }])).rejects.toMatchObject({
      status: 404,
    });
    expect(w.memberships.members("g1")).toEqual([]);
  });
});

describe("derivedAttributes", () => {
  it("excludedAttributes=members never touches the memberships", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    for (const query of [
      "?excludedAttributes=members",
      "?attributes=displayName",
      "?excludedAttributes=MEMBERS",
    ]) {
      expect(await derived(w, "Group", "g1", query)).toEqual({});
    }
    expect(w.log).toEqual([]);
  });

  it("members are streamed page by page into one array", async () => {
    const w = world();
    for (const u of ["u1", "u2", "u3", "u4"]) w.memberships.seed("g1", u);
    w.memberships.seed("g1", "g2", "Group");
    const { members } = await derived(w, "Group", "g1");
    expect(members).toHaveLength(5);
    expect(members).toContainEqual({ value: "g2", $ref: `${BASE}/Groups/g2`, type: "Group" });
    expect(w.log.filter((l) => l.startsWith("membersPage"))).toHaveLength(3);
  });

  it("a group without members shows members []", async () => {
    const w = world();
    expect(await derived(w, "Group", "g1")).toEqual({ members: [] });
  });

  it("a user's groups come with display names; a deleted group is skipped; none means no attribute", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    w.memberships.seed("g2", "u1");
    w.memberships.seed("g-gone", "u1");
    for (const g of ["g1", "g2", "g-gone"]) await syncUserGroups(w, g, ["u1"]);
    w.log.length = 0;
    const { groups } = await derived(w, "User", "u1");
    // Read from the user's own document: no membership or group read.
    expect(w.log).toEqual([]);
    expect(groups).toEqual([
      { value: "g1", $ref: `${BASE}/Groups/g1`, display: "Sales", type: "direct" },
      { value: "g2", $ref: `${BASE}/Groups/g2`, display: "Ops", type: "direct" },
    ]);
    expect(await derived(w, "User", "u3")).toEqual({});
    w.log.length = 0;
    expect(await derived(w, "User", "u1", "?excludedAttributes=groups")).toEqual({});
    expect(w.log).toEqual([]);
  });
});

describe("membershipFilter", () => {
  it("a filter without members tests compiles elsewhere and reads no membership", async () => {
    const w = world();
    expect(await membershipFilter(w, w.resourceTypes.Group, 'displayName eq "Sales"')).toBeUndefined();
    expect(await membershipFilter(w, w.resourceTypes.Group, undefined)).toBeUndefined();
    expect(w.log).toEqual([]);
  });

  it("members[value eq id] becomes ARRAY_CONTAINS over the groups holding that member", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    w.memberships.seed("g2", "u1");
    w.memberships.seed("g2", "u2");
    const sql = await membershipFilter(
      w,
      w.resourceTypes.Group,
      'members[value eq "u1"] and displayName eq "ops"',
    );
    // The compiler's exact text is its own business; what matters is the membership test and its ids.
    expect(sql?.where).toContain("ARRAY_CONTAINS(@p0, c.id)");
    expect(sql?.where).toContain("@p1");
    expect(sql?.parameters).toEqual([
      { name: "@p0", value: ["g1", "g2"] },
      { name: "@p1", value: "ops" },
    ]);
    expect(w.log).toEqual(["byMembers u1"]);
  });

  it("the whole bracket filter is honoured; negation stays boolean", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    w.memberships.seed("g1", "g2", "Group");
    const typed = await membershipFilter(
      w,
      w.resourceTypes.Group,
      'members[value eq "g2" and type eq "user"]',
    );
    expect(typed?.parameters[0]?.value).toEqual([]);
    const negated = await membershipFilter(w, w.resourceTypes.Group, 'not (members.value eq "u1")');
    expect(negated?.where).toMatch(/^NOT \(+ARRAY_CONTAINS\(@p0, c\.id\)\)+$/);
  });

  it("User groups[value eq id] selects the user members of that group", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    w.memberships.seed("g1", "g2", "Group");
    const sql = await membershipFilter(w, w.resourceTypes.User, 'groups[value eq "g1"]');
    expect(sql?.parameters[0]?.value).toEqual(["u1"]);
  });

  it("a filter that does not pin ids is invalidFilter; too many matches is tooMany", async () => {
    const w = world();
    await expect(membershipFilter(w, w.resourceTypes.Group, "members pr")).rejects.toMatchObject({
      scimType: "invalidFilter",
    });
    for (let i = 0; i <= MAX_MEMBERSHIP_MATCHES; i++) w.memberships.seed(`g${i}`, "u1");
    await expect(membershipFilter(w, w.resourceTypes.Group, 'members[value eq "u1"]')).rejects.toMatchObject({
      scimType: "tooMany",
    });
  });
});

describe("membershipFilter stays inside Cosmos DB's query size", () => {
  // Cosmos DB refuses a query over 512 KB and a request over 2 MB (Azure Cosmos DB service
  // quotas); the embedded server takes any size, so the bound is checked on the compiled query.
  const QUERY_LIMIT = 512 * 1024;
  const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
  const querySize = (sql: { where: string; parameters: unknown[] } | undefined) =>
    Buffer.byteLength(JSON.stringify({ query: sql?.where, parameters: sql?.parameters }));

  it("a test repeated on a large group sends its ids once", async () => {
    const w = world();
    const group = uuid(0);
    for (let i = 1; i <= MAX_MEMBERSHIP_MATCHES; i++) w.memberships.seed(group, uuid(i));
    const filter = Array.from({ length: 6 }, () => `groups[value eq "${group}"]`).join(" or ");
    const sql = await membershipFilter(w, w.resourceTypes.User, filter);
    expect(sql?.parameters).toHaveLength(1);
    expect(sql?.parameters[0]?.value).toHaveLength(MAX_MEMBERSHIP_MATCHES);
    expect(querySize(sql)).toBeLessThan(QUERY_LIMIT);
  });

  it("each test examines only the memberships of the ids it names, and a repeated test is decided once", async () => {
    const w = world();
    const [big, small] = [uuid(0), uuid(1)];
    for (let i = 1; i < MAX_MEMBERSHIP_MATCHES; i++) w.memberships.seed(big, uuid(100 + i));
    w.memberships.seed(small, uuid(100 + 1));
    // As many tests of the large group as 4,096 characters hold: the same test, decided once.
    const test = `groups[value eq "${big}"]`;
    const repeated = Array.from({ length: Math.floor(4096 / (test.length + 4)) }, () => test).join(" or ");
    const sql = await membershipFilter(w, w.resourceTypes.User, repeated);
    expect(sql?.parameters[0]?.value).toHaveLength(MAX_MEMBERSHIP_MATCHES - 1);
    // Tests of the small group never examine the large group's memberships read beside them.
    const many = Array.from({ length: 60 }, (_, i) => `groups[value eq "${small}" and type ne "${i}"]`);
    const narrow = `${test} or ${many.slice(0, 40).join(" or ")}`;
    expect((await membershipFilter(w, w.resourceTypes.User, narrow))?.parameters).toHaveLength(2);
  });

  it("distinct tests that would examine more than MAX_MEMBERSHIP_TEST_WORK memberships together are tooMany", async () => {
    // Decided on every membership read, 69 tests of a 10,000-member group held the instance's one
    // thread for about 1.5 s per request: each now examines its own ids' memberships, within a bound.
    const w = world();
    const group = uuid(0);
    for (let i = 1; i <= MAX_MEMBERSHIP_MATCHES; i++) w.memberships.seed(group, uuid(100 + i));
    const tests = (n: number) =>
      Array.from({ length: n }, (_, i) => `groups[value eq "${group}" and type ne "${i}"]`).join(" or ");
    const within = MAX_MEMBERSHIP_TEST_WORK / MAX_MEMBERSHIP_MATCHES;
    expect(await membershipFilter(w, w.resourceTypes.User, tests(within))).toBeDefined();
    await expect(membershipFilter(w, w.resourceTypes.User, tests(within + 1))).rejects.toMatchObject({
      status: 400,
      scimType: "tooMany",
      detail: expect.stringContaining(String(MAX_MEMBERSHIP_TEST_WORK)),
    });
  });

  it("tests that together name more than 10,000 resources are tooMany, not a query Cosmos DB refuses", async () => {
    const w = world();
    const [big, small] = [uuid(0), uuid(1)];
    for (let i = 0; i < 6_000; i++) w.memberships.seed(big, uuid(100 + i));
    for (let i = 0; i < 3_000; i++) w.memberships.seed(small, uuid(10_000 + i));
    // 9,000 memberships, but the two tests' ids are 6,000 + 9,000.
    const filter = `groups[value eq "${big}"] or groups[value eq "${big}" or value eq "${small}"]`;
    await expect(membershipFilter(w, w.resourceTypes.User, filter)).rejects.toMatchObject({
      status: 400,
      scimType: "tooMany",
      detail: expect.stringContaining("10000"),
    });
  });
});

describe("planMemberList / applyMemberChanges on a new group", () => {
  it("an absent members is the empty list; given members are checked", async () => {
    const w = world();
    expect(await planMemberList(w.memberLookup, "g9", undefined)).toEqual({
      replace: [],
      remove: [],
      add: [],
    });
    expect(w.log).toEqual([]);
    expect(await planMemberList(w.memberLookup, "g9", [{ value: "u1" }])).toEqual({
      replace: [{ id: "u1", type: "User", seen: { etag: "e0", groups: [] } }],
      remove: [],
      add: [],
    });
    await expect(planMemberList(w.memberLookup, "g9", [{ value: "ghost" }])).rejects.toMatchObject({
      scimType: "invalidValue",
    });
  });

  it("a group created without members writes no membership", async () => {
    const w = world();
    const value = (await w.groups.read("g1")) as StoredResource;
    const create = async () => ({ ok: true as const, value });
    w.log.length = 0;
    expect(await createWithMembers(w, "g1", [], create)).toEqual({
      created: { ok: true, value },
      members: [],
    });
    expect(w.log).toEqual([]);
  });

  it("memberships are written before the group, so nothing shows them until it exists", async () => {
    const w = world();
    w.resources.delete("g1");
    const order: string[] = [];
    let createdAt = 0;
    const members = [{ id: "u1", type: "User" as const }];
    const result = await createWithMembers(w, "g1", members, async () => {
      order.push(`create with members ${w.memberships.members("g1").join(",")}`);
      w.resources.set("g1", { type: "Group", displayName: "New" });
      const value = (await w.groups.read("g1")) as StoredResource;
      createdAt = w.log.length;
      return { ok: true as const, value };
    });
    expect(order).toEqual(["create with members u1"]);
    expect(result.members).toEqual(members);
    // The group as created is the re-check: only the user's `groups` sync (which reads the
    // user first) reads it again.
    expect(w.log.slice(createdAt)).toEqual(["read u1", "exists g1 u1", "read g1", "patch u1 groups"]);
  });

  it("a group that cannot be created takes its memberships with it, and the error surfaces", async () => {
    const w = world();
    const members = [{ id: "u1", type: "User" as const }];
    const refused = await createWithMembers(w, "g7", members, async () => ({
      ok: false as const,
      reason: "conflict" as const,
    }));
    expect(refused.created.ok).toBe(false);
    expect(w.memberships.members("g7")).toEqual([]);
    const failing = () => Promise.reject(new Error("throttled"));
    await expect(createWithMembers(w, "g8", members, failing)).rejects.toThrow("throttled");
    expect(w.memberships.members("g8")).toEqual([]);
    expect(w.log).toContain("removeReferences g8");
  });
});

describe("sweepMemberships (after a DELETE)", () => {
  it("a deleted group's user members lose it in one conditional write each, before their memberships go", async () => {
    const w = world();
    await applyMemberChanges(w, "g1", {
      replace: undefined,
      remove: [],
      add: [
        { id: "u1", type: "User" },
        { id: "u2", type: "User" },
        { id: "g2", type: "Group" },
      ],
    });
    expect(w.resources.get("u2")?.groups).toEqual([{ value: "g1", display: "Sales" }]);
    w.resources.delete("g1");
    w.log.length = 0;
    await sweepMemberships(w, "g1");
    // Before the deletion: a sweep interrupted after it would find no membership naming these users.
    expect(w.log).toEqual([
      "removeReferences g1",
      "existing u1,u2",
      "patch u1 groups",
      "patch u2 groups",
      "deleted 3",
    ]);
    expect(w.resources.get("u1")?.groups).toEqual([]);
    expect(w.resources.get("u2")?.groups).toEqual([]);
    expect(w.memberships.members("g1")).toEqual([]);
  });

  it("a deleted user leaves its groups, which get a new meta", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    w.memberships.seed("g2", "u1");
    w.resources.delete("u1");
    w.log.length = 0;
    await sweepMemberships(w, "u1");
    expect(w.memberships.members("g1")).toEqual([]);
    // Before the deletion, as for a group's members: a repeated sweep still finds what is left.
    expect(w.log).toEqual([
      "removeReferences u1",
      "patch g1 lastModified",
      "patch g2 lastModified",
      "deleted 2",
    ]);
  });
});

describe("syncUserGroups: a user's groups copy", () => {
  it("with the user as read before the change and the group read after it, one write and no read", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    const group = await w.groups.read("g1");
    w.log.length = 0;
    await syncUserGroups(w, "g1", [{ id: "u1", seen: { etag: "e0", groups: [] }, member: true }], group);
    expect(w.log).toEqual(["patch u1 groups"]);
    expect(w.resources.get("u1")?.groups).toEqual([{ value: "g1", display: "Sales" }]);
  });

  it("a user changed since it was read: the full attempt reads the truth again", async () => {
    const w = world();
    const user = w.resources.get("u1");
    if (user) user.version = 3;
    const group = await w.groups.read("g1");
    // The membership is gone meanwhile: the stale first write is refused, the truth wins.
    await syncUserGroups(w, "g1", [{ id: "u1", seen: { etag: "e0", groups: [] }, member: true }], group);
    expect(w.resources.get("u1")?.groups).toEqual([]);
    expect(w.log).toContain("exists g1 u1");
  });

  it("interleaved add and remove: the last write read the truth after the other's", async () => {
    const w = world();
    // The add read the user (e0), then wrote the membership; a remove ends it and syncs first.
    w.memberships.seed("g1", "u1");
    const seen = { etag: "e0", groups: [] };
    const groupAfterAdd = await w.groups.read("g1");
    await w.memberships.remove("g1", ["u1"]);
    await syncUserGroups(w, "g1", ["u1"]);
    // The add's own write comes last, with a version that no longer holds: refused, then redone.
    await syncUserGroups(w, "g1", [{ id: "u1", seen, member: true }], groupAfterAdd);
    expect(w.resources.get("u1")?.groups).toEqual([]);
  });
});

describe("replacing a group's members: retried after an interruption, the copies follow", () => {
  it("an unchanged member whose copy lacks the group (an earlier attempt stopped after the membership) gets it", async () => {
    const w = world();
    w.memberships.seed("g1", "u1");
    w.memberships.seed("g1", "u2");
    w.resources.set("u2", { type: "User", groups: [{ value: "g1", display: "Sales" }] });
    const plan = await planMemberList(w.memberLookup, "g1", [{ value: "u1" }, { value: "u2" }]);
    w.log.length = 0;
    await applyMemberChanges(w, "g1", plan);
    expect(w.resources.get("u1")?.groups).toEqual([{ value: "g1", display: "Sales" }]);
    // No membership is written, but the earlier attempt may have stopped before the group's bump:
    // the bump is written (its answer gives u1's entry the group's name); u2's copy was already right.
    expect(w.log).toEqual(["membersPage g1 -", "add g1 ", "patch g1 lastModified", "patch u1 groups"]);
  });

  it("a removed user loses the entry before its membership goes, so a retry has nothing left to find", async () => {
    const w = world();
    await applyMemberChanges(w, "g1", { replace: undefined, remove: [], add: [{ id: "u1", type: "User" }] });
    expect(w.resources.get("u1")?.groups).toEqual([{ value: "g1", display: "Sales" }]);
    const plan = await planMemberList(w.memberLookup, "g1", []);
    w.log.length = 0;
    await applyMemberChanges(w, "g1", plan);
    // The entry goes first; the sync after the deletion starts from that write: one more patch, no read.
    // Then the members are read once more, to find any a concurrent replacement wrote: none here.
    expect(w.log).toEqual([
      "membersPage g1 -",
      "existing u1",
      "patch u1 groups",
      "remove g1 u1",
      "patch u1 groups",
      "add g1 ",
      "patch g1 lastModified",
      "membersPage g1 -",
      "add g1 ",
    ]);
    expect(w.resources.get("u1")?.groups).toEqual([]);
    expect(w.memberships.members("g1")).toEqual([]);
  });
});

describe("a user's copy within its budget (GROUPS_COPY_MAX_BYTES)", () => {
  it("holds about 640 groups with 40-character names and 200 with 256-character ones (the README's figures)", () => {
    const copy = (count: number, nameLength: number) =>
      Array.from({ length: count }, () => ({
        value: "0a1b2c3d-0000-4000-8000-000000000000",
        display: "n".repeat(nameLength),
      }));
    expect(fitsGroupsCopy(copy(642, 40))).toBe(true);
    expect(fitsGroupsCopy(copy(643, 40))).toBe(false);
    expect(fitsGroupsCopy(copy(206, 256))).toBe(true);
    expect(fitsGroupsCopy(copy(207, 256))).toBe(false);
  });

  // Seven of these take 70 KB: more than the copy's 64 KiB.
  const long = (i: number) => ({ value: `big${i}`, display: "n".repeat(10_000) });

  it("a copy that would outgrow it is not written: the user is marked groupsOverflow", async () => {
    const w = world();
    w.resources.set("u1", { type: "User", groups: [0, 1, 2, 3, 4, 5, 6].map(long) });
    await syncUserGroups(
      w,
      "g1",
      [{ id: "u1", seen: { etag: "e0", groups: [0, 1, 2, 3, 4, 5, 6].map(long) }, member: true }],
      (await w.groups.read("g1")) as StoredResource,
    );
    expect(w.resources.get("u1")?.groupsOverflow).toBe(true);
    expect(w.resources.get("u1")?.groups).toEqual([]);
  });

  it("a marked user's add writes the mark again, reading neither membership nor group", async () => {
    const w = world();
    w.resources.set("u1", { type: "User", groupsOverflow: true, version: 3 });
    const g1 = (await w.groups.read("g1")) as StoredResource;
    w.log.length = 0;
    const known = { id: "u1", seen: { etag: "e3", groups: [], groupsOverflow: true }, member: true };
    expect(await syncUserGroups(w, "g1", [known], g1)).toEqual(new Set());
    expect(w.log).toEqual(["patch u1 groups,groupsOverflow"]);
    expect(w.resources.get("u1")).toMatchObject({ groupsOverflow: true, version: 4 });
  });

  it("a marked user's removal rebuilds the copy from the memberships: the mark goes once it fits", async () => {
    const w = world();
    w.resources.set("u1", { type: "User", groupsOverflow: true, version: 3 });
    w.memberships.seed("g2", "u1");
    w.log.length = 0;
    const known = { id: "u1", seen: { etag: "e3", groups: [], groupsOverflow: true }, member: false };
    await syncUserGroups(w, "g1", [known]);
    expect(w.log).toEqual(["read u1", "byMembers u1", "groupNames g2", "patch u1 groups,groupsOverflow"]);
    expect(w.resources.get("u1")).toMatchObject({
      groupsOverflow: false,
      groups: [{ value: "g2", display: "Ops" }],
    });
  });

  it("a marked user whose groups still outgrow the copy stays marked", async () => {
    const w = world();
    w.resources.set("u1", { type: "User", groupsOverflow: true });
    for (let i = 0; i < 7; i++) {
      w.resources.set(`big${i}`, { type: "Group", displayName: "n".repeat(10_000) });
      w.memberships.seed(`big${i}`, "u1");
    }
    await syncUserGroups(w, "g1", ["u1"]);
    expect(w.resources.get("u1")).toMatchObject({ groupsOverflow: true, groups: [] });
  });
});
