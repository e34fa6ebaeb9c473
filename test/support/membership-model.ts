import fc from "fast-check";
import { expect } from "vitest";
import type { Reply } from "./local-server.js";

/**
 * A model of memberships for model-based tests over HTTP: random sequences of what Entra and other
 * clients send (creates with members, PATCH Add / Remove by value list / Remove by filter path /
 * Replace members, PUT, renames, deletes of users and groups, nested groups), some pairs sent at
 * once, and a check that the server's groups, users and filters equal the model's direct memberships.
 */

/** How a test sends a request (plainly, or retrying as Entra does). */
export type Send = (method: string, path: string, body?: unknown) => Promise<Reply>;

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const enc = encodeURIComponent;
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** Operations name users and groups by their index among those created so far (modulo the count). */
export type Op =
  | { kind: "user" }
  | { kind: "group"; members: number[]; groups: number[] }
  | {
      kind: "add" | "remove" | "removeByFilter" | "replace" | "put";
      group: number;
      members: number[];
      groups: number[];
    }
  | { kind: "rename"; group: number }
  | { kind: "deleteUser"; user: number }
  | { kind: "deleteGroup"; group: number };

const picks = fc.array(fc.nat(20), { maxLength: 4 });
const index = fc.nat(20);
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ kind: "user" as const }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant("group" as const),
      members: picks,
      groups: fc.array(index, { maxLength: 1 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom(
        "add" as const,
        "remove" as const,
        "removeByFilter" as const,
        "replace" as const,
        "put" as const,
      ),
      group: index,
      members: picks,
      groups: fc.array(index, { maxLength: 1 }),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ kind: fc.constant("rename" as const), group: index }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("deleteUser" as const), user: index }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("deleteGroup" as const), group: index }), weight: 1 },
);
/** A step is one operation, or two to send at once when they are {@link independent}. */
export const steps = fc.array(
  fc.oneof({ arbitrary: op.map((o) => [o]), weight: 4 }, { arbitrary: fc.tuple(op, op), weight: 1 }),
  {
    minLength: 1,
    maxLength: 14,
  },
);

export interface Model {
  users: string[];
  groups: { id: string; name: string }[];
  /** group id -> member ids (users and groups). */
  members: Map<string, Set<string>>;
  /** Names made so far: a deleted resource's name is not reused. */
  made: number;
  /** Padding of every group name: long names take a user's `groups` copy past its budget at 2 groups. */
  pad: string;
}

const at = <T>(list: readonly T[], i: number): T | undefined =>
  list.length ? list[i % list.length] : undefined;
const uniq = (ids: (string | undefined)[]) => [...new Set(ids.filter((x): x is string => x !== undefined))];

/** The ids an operation names, resolved against the model before it runs. */
function resolve(m: Model, o: Op) {
  const group = "group" in o ? at(m.groups, o.group) : undefined;
  const members =
    "members" in o
      ? uniq([...o.members.map((i) => at(m.users, i)), ...o.groups.map((i) => at(m.groups, i)?.id)]).filter(
          (id) => id !== group?.id,
        )
      : [];
  return { group, members, user: "user" in o ? at(m.users, o.user) : undefined };
}

/** Every id an operation names: its group, its user, the members it sends. */
function named(m: Model, o: Op): Set<string> {
  const { group, members, user } = resolve(m, o);
  return new Set([...members, ...(group ? [group.id] : []), ...(user ? [user] : [])]);
}

const MEMBER_EDITS = new Set<Op["kind"]>(["add", "remove", "removeByFilter"]);

/**
 * Whether two operations may be sent at once: the model's result must not depend on their order.
 * A delete must not name what the other names; two edits of one group's members must name different
 * members; a rename goes with any edit of the members but a PUT (which sends the name too).
 */
export function independent(m: Model, a: Op, b: Op): boolean {
  const [na, nb] = [named(m, a), named(m, b)];
  const deleted = (o: Op) =>
    o.kind === "deleteUser"
      ? resolve(m, o).user
      : o.kind === "deleteGroup"
        ? resolve(m, o).group?.id
        : undefined;
  for (const [o, other] of [
    [a, nb],
    [b, na],
  ] as const) {
    const gone = deleted(o);
    if (gone !== undefined && other.has(gone)) return false;
  }
  const [ga, gb] = [resolve(m, a).group?.id, resolve(m, b).group?.id];
  if (ga === undefined || ga !== gb || a.kind === "group" || b.kind === "group") return true;
  if (MEMBER_EDITS.has(a.kind) && MEMBER_EDITS.has(b.kind)) {
    const [ma, mb] = [resolve(m, a).members, resolve(m, b).members];
    return !ma.some((id) => mb.includes(id));
  }
  const kinds = new Set([a.kind, b.kind]);
  return kinds.has("rename") && !kinds.has("put") && kinds.size === 2;
}

/**
 * Sends `o` and returns how it changes the model, applied by the caller once every operation sent
 * at the same time has answered (the model's order does not matter: see {@link independent}).
 */
export async function apply(send: Send, m: Model, o: Op, tag: string): Promise<() => void> {
  const { group, members, user } = resolve(m, o);
  const values = members.map((value) => ({ value }));
  const ok = (status: number, body: unknown, expected: number[]) =>
    expect(expected, `${o.kind}: ${status} ${JSON.stringify(body)}`).toContain(status);
  switch (o.kind) {
    case "user": {
      const r = await send("POST", "/Users", { userName: `${tag}.${++m.made}@x.y`, externalId: tag });
      ok(r.status, r.body, [201]);
      return () => m.users.push(r.body.id);
    }
    case "group": {
      const name = `${tag} G${++m.made}${m.pad}`;
      const r = await send("POST", "/Groups", { displayName: name, externalId: tag, members: values });
      ok(r.status, r.body, [201]);
      return () => {
        m.groups.push({ id: r.body.id, name });
        m.members.set(r.body.id, new Set(members));
      };
    }
    case "rename": {
      if (!group) return () => {};
      const name = `${group.name} r`;
      const r = await send(
        "PATCH",
        `/Groups/${group.id}`,
        patch({ op: "Replace", path: "displayName", value: name }),
      );
      ok(r.status, r.body, [204]);
      return () => {
        group.name = name;
      };
    }
    case "deleteUser": {
      if (!user) return () => {};
      const r = await send("DELETE", `/Users/${user}`);
      ok(r.status, r.body, [204]);
      return () => {
        m.users = m.users.filter((u) => u !== user);
        for (const set of m.members.values()) set.delete(user);
      };
    }
    case "deleteGroup": {
      if (!group) return () => {};
      const r = await send("DELETE", `/Groups/${group.id}`);
      ok(r.status, r.body, [204]);
      return () => {
        m.groups = m.groups.filter((g) => g !== group);
        m.members.delete(group.id);
        for (const set of m.members.values()) set.delete(group.id);
      };
    }
    default: {
      if (!group) return () => {};
      const set = m.members.get(group.id) as Set<string>;
      const url = `/Groups/${group.id}`;
      const r =
        o.kind === "add"
          ? await send("PATCH", url, patch({ op: "Add", path: "members", value: values }))
          : o.kind === "remove"
            ? await send("PATCH", url, patch({ op: "Remove", path: "members", value: values }))
            : o.kind === "removeByFilter"
              ? await send(
                  "PATCH",
                  url,
                  patch(...members.map((id) => ({ op: "remove", path: `members[value eq "${id}"]` }))),
                )
              : o.kind === "replace"
                ? await send("PATCH", url, patch({ op: "Replace", path: "members", value: values }))
                : await send("PUT", url, { displayName: group.name, externalId: tag, members: values });
      // A PATCH without operations (remove by filter of nobody) is a 400 that changes nothing.
      if (o.kind === "removeByFilter" && members.length === 0) {
        ok(r.status, r.body, [400]);
        return () => {};
      }
      ok(r.status, r.body, o.kind === "put" ? [200] : [204]);
      return () => {
        if (o.kind === "add") for (const id of members) set.add(id);
        else if (o.kind === "remove" || o.kind === "removeByFilter") for (const id of members) set.delete(id);
        else m.members.set(group.id, new Set(members));
      };
    }
  }
}

/** Every group's members, every user's groups and the members filter, against the model. */
export async function check(send: Send, m: Model, tag: string) {
  for (const g of m.groups) {
    const r = await send("GET", `/Groups/${g.id}`);
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe(g.name);
    const got = (r.body.members ?? [])
      .map((x: { value: string; type: string }) => `${x.value}:${x.type}`)
      .sort();
    const want = [...(m.members.get(g.id) ?? [])]
      .map((id) => `${id}:${m.users.includes(id) ? "User" : "Group"}`)
      .sort();
    expect(got, `members of ${g.name}`).toEqual(want);
  }
  const containing = (id: string) =>
    m.groups
      .filter((g) => m.members.get(g.id)?.has(id))
      .map((g) => g.id)
      .sort();
  for (const u of m.users) {
    const r = await send("GET", `/Users/${u}`);
    expect(r.status).toBe(200);
    const got = (r.body.groups ?? [])
      .map((x: { value: string; display: string }) => `${x.value}=${x.display}`)
      .sort();
    const want = m.groups
      .filter((g) => m.members.get(g.id)?.has(u))
      .map((g) => `${g.id}=${g.name}`)
      .sort();
    expect(got, `groups of user ${u}`).toEqual(want);
    const filtered = await send(
      "GET",
      `/Groups?filter=${enc(`externalId eq "${tag}" and members[value eq "${u}"]`)}&attributes=id`,
    );
    expect(
      filtered.body.Resources.map((x: { id: string }) => x.id).sort(),
      `members filter for ${u}`,
    ).toEqual(containing(u));
  }
  // Deleted resources are gone everywhere: no group lists an id the model does not have.
  const all = await send("GET", `/Groups?filter=${enc(`externalId eq "${tag}"`)}`);
  expect(all.body.Resources.map((x: { id: string }) => x.id).sort()).toEqual(
    m.groups.map((g) => g.id).sort(),
  );
}

/** A fresh model for one run: the four users and three groups every sequence starts from. */
export async function startModel(send: Send, tag: string, long: boolean): Promise<Model> {
  const m: Model = {
    users: [],
    groups: [],
    members: new Map(),
    made: 0,
    pad: long ? ` ${"n".repeat(33_000)}` : "",
  };
  const setup: Op[] = [
    ...Array(4).fill({ kind: "user" }),
    ...Array(3).fill({ kind: "group", members: [], groups: [] }),
  ];
  for (const o of setup) (await apply(send, m, o, tag))();
  return m;
}

/** Runs one generated sequence: independent pairs at once, anything else one after the other. */
export async function runSteps(
  send: Send,
  m: Model,
  sequence: Op[][],
  tag: string,
  between?: () => Promise<void>,
) {
  for (const step of sequence) {
    const [a, b] = step as [Op, Op | undefined];
    if (b && independent(m, a, b)) {
      const done = await Promise.all([apply(send, m, a, tag), apply(send, m, b, tag)]);
      for (const commit of done) commit();
    } else {
      for (const o of step) (await apply(send, m, o, tag))();
    }
    await between?.();
  }
}
