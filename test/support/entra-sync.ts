import { mapLimited } from "../../shared/store/map-limited.js";

/**
 * Entra's provisioning pattern, driven over HTTP against any SCIM endpoint: for every object in
 * scope, look it up by its matching attribute, then POST it (not found) or PATCH it (found); groups
 * are created empty and filled by PATCH Add of members; several requests in flight. The second
 * cycle updates, disables and deletes users and removes members. The model records what the final
 * state must be, so a test (or the bench) can check that nothing was lost, duplicated or left
 * dangling.
 */

export type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: { [key: string]: unknown } | undefined }>;

export interface SyncShape {
  users: number;
  groups: number;
  membersPerGroup: number;
  inFlight: number;
  /** Distinguishes this run's objects from any others on the endpoint. */
  prefix: string;
}

export interface ExpectedState {
  /** userName -> what the user must look like after both cycles. */
  users: Map<string, { active: boolean; displayName: string }>;
  /** group displayName -> the userNames of its members. */
  groups: Map<string, Set<string>>;
}

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const enc = encodeURIComponent;

function ok(reply: { status: number }, what: string, allowed: number[] = [200, 201, 204]) {
  if (!allowed.includes(reply.status)) throw new Error(`${what}: HTTP ${reply.status}`);
}

/** Both cycles; returns the expected final state and how many requests were sent. */
export async function runEntraSync(call: Call, shape: SyncShape) {
  let requests = 0;
  const send: Call = (method, path, body) => {
    requests++;
    return call(method, path, body);
  };
  const userName = (i: number) => `${shape.prefix}user${i}@contoso.com`;
  const groupName = (j: number) => `${shape.prefix}Group ${j}`;
  const ids = new Map<string, string>();
  const expected: ExpectedState = { users: new Map(), groups: new Map() };

  // Cycle 1: every user is looked up, then created.
  await mapLimited(
    Array.from({ length: shape.users }, (_, i) => i),
    shape.inFlight,
    async (i) => {
      const name = userName(i);
      const found = await send("GET", `/Users?filter=${enc(`userName eq "${name}"`)}`);
      ok(found, "lookup");
      const existing = (found.body?.Resources as { id: string }[] | undefined)?.[0];
      if (existing) {
        ids.set(name, existing.id);
        return;
      }
      const created = await send("POST", "/Users", {
        schemas: [
          "urn:ietf:params:scim:schemas:core:2.0:User",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ],
        externalId: `ext-${i}`,
        userName: name,
        active: true,
        displayName: `User ${i}`,
        emails: [{ primary: true, type: "work", value: name }],
        name: { formatted: `User ${i}`, familyName: String(i), givenName: "User" },
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: `Dept ${i % 7}` },
      });
      ok(created, "create user");
      ids.set(name, (created.body as { id: string }).id);
      expected.users.set(name, { active: true, displayName: `User ${i}` });
    },
  );

  // Groups: looked up, created empty, then filled by PATCH Add (Entra batches members).
  const groupIds = new Map<string, string>();
  await mapLimited(
    Array.from({ length: shape.groups }, (_, j) => j),
    shape.inFlight,
    async (j) => {
      const name = groupName(j);
      const found = await send(
        "GET",
        `/Groups?filter=${enc(`displayName eq "${name}"`)}&excludedAttributes=members`,
      );
      ok(found, "group lookup");
      const created = await send("POST", "/Groups", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        externalId: `gext-${j}`,
        displayName: name,
      });
      ok(created, "create group");
      const id = (created.body as { id: string }).id;
      groupIds.set(name, id);
      const members = Array.from({ length: shape.membersPerGroup }, (_, k) =>
        userName((j * shape.membersPerGroup + k) % shape.users),
      );
      expected.groups.set(name, new Set(members));
      const add = await send("PATCH", `/Groups/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: "Add", path: "members", value: members.map((m) => ({ value: ids.get(m) })) }],
      });
      ok(add, "add members");
    },
  );

  // Cycle 2: updates, disables, deletes; every group loses its first member.
  await mapLimited(
    Array.from({ length: shape.users }, (_, i) => i),
    shape.inFlight,
    async (i) => {
      const name = userName(i);
      const id = ids.get(name) as string;
      const found = await send("GET", `/Users?filter=${enc(`userName eq "${name}"`)}`);
      ok(found, "lookup");
      if (i % 10 === 1) {
        ok(
          await send("PATCH", `/Users/${id}`, {
            schemas: [PATCH],
            Operations: [{ op: "Replace", path: "displayName", value: `Renamed ${i}` }],
          }),
          "rename",
        );
        expected.users.set(name, { active: true, displayName: `Renamed ${i}` });
      } else if (i % 10 === 2) {
        ok(
          await send("PATCH", `/Users/${id}`, {
            schemas: [PATCH],
            Operations: [{ op: "Replace", path: "active", value: "False" }],
          }),
          "disable",
        );
        expected.users.set(name, { active: false, displayName: `User ${i}` });
      } else if (i % 25 === 3) {
        ok(await send("DELETE", `/Users/${id}`), "delete");
        expected.users.delete(name);
        for (const members of expected.groups.values()) members.delete(name);
      } else {
        // Entra's periodic "active: true" to a user that already is: a no-op.
        ok(
          await send("PATCH", `/Users/${id}`, {
            schemas: [PATCH],
            Operations: [{ op: "Replace", path: "active", value: "True" }],
          }),
          "no-op",
        );
      }
    },
  );
  await mapLimited([...groupIds], shape.inFlight, async ([name, id]) => {
    const members = expected.groups.get(name) as Set<string>;
    const first = [...members][0];
    if (!first) return;
    ok(
      await send("PATCH", `/Groups/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: "Remove", path: "members", value: [{ value: ids.get(first) }] }],
      }),
      "remove member",
    );
    members.delete(first);
  });
  return { expected, ids, groupIds, requests };
}

/** Reads every user and group of the run back through the endpoint (cursor paging). */
export async function readBack(call: Call, prefix: string) {
  const users = new Map<string, { id: string; active: boolean; displayName: string }>();
  let cursor = "";
  do {
    const page = await call(
      "GET",
      `/Users?filter=${enc(`userName sw "${prefix}"`)}&count=200&cursor=${cursor}`,
    );
    ok(page, "read users");
    for (const u of (page.body?.Resources ?? []) as {
      id: string;
      userName: string;
      active: boolean;
      displayName: string;
    }[]) {
      if (users.has(u.userName)) throw new Error(`user ${u.userName} listed twice`);
      users.set(u.userName, { id: u.id, active: u.active, displayName: u.displayName });
    }
    cursor = (page.body?.nextCursor as string | undefined) ?? "";
  } while (cursor);
  const byId = new Map([...users].map(([name, u]) => [u.id, name]));
  const groups = new Map<string, Set<string>>();
  cursor = "";
  do {
    const page = await call(
      "GET",
      `/Groups?filter=${enc(`displayName sw "${prefix}"`)}&count=50&cursor=${cursor}`,
    );
    ok(page, "read groups");
    for (const g of (page.body?.Resources ?? []) as { displayName: string; members: { value: string }[] }[]) {
      groups.set(g.displayName, new Set(g.members.map((m) => byId.get(m.value) ?? `dangling:${m.value}`)));
    }
    cursor = (page.body?.nextCursor as string | undefined) ?? "";
  } while (cursor);
  return { users, groups };
}
