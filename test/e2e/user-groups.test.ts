import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getResource } from "../../shared/operations/get-resource.js";
import { listResources } from "../../shared/operations/list-resources.js";
import type { ScimRequest } from "../../shared/operations/operation.js";
import { createServices } from "../../shared/services.js";
import { type Client, startServer } from "../support/local-server.js";

/**
 * A user's `groups` (RFC 7643 §4.1.2) is a copy on the user document that the membership writes
 * keep in step: reading a user is one Cosmos DB call, and the copy is right under concurrent
 * membership changes, renames and deletes. A group's `meta` moves when its members change.
 */

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let c: Client;
let seq = 0;

beforeAll(async () => {
  c = await startServer();
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

const user = async () => {
  const r = await c.call("POST", "/Users", { userName: `ug.${++seq}@contoso.com` });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const group = async (name = `UG group ${++seq}`, members: string[] = []) => {
  const r = await c.call("POST", "/Groups", {
    displayName: name,
    members: members.map((value) => ({ value })),
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });
const groupsOf = async (userId: string) => {
  const r = await c.call("GET", `/Users/${userId}`);
  expect(r.status).toBe(200);
  return ((r.body.groups ?? []) as { value: string; display: string }[])
    .map((g) => `${g.value}=${g.display}`)
    .sort();
};

/** The truth the copy must equal: the groups among `groups` whose members list `userId`, as `id=name`. */
const memberOf = async (userId: string, groups: readonly string[]) => {
  const truth: string[] = [];
  for (const g of groups) {
    const r = await c.call("GET", `/Groups/${g}`);
    if (r.body.members.some((m: { value: string }) => m.value === userId))
      truth.push(`${g}=${r.body.displayName}`);
  }
  return truth.sort();
};

describe("a user's groups", () => {
  test("follow adds, removes, renames and deletes", async () => {
    const u = await user();
    const [g1, g2] = [await group("Sales UG", [u]), await group("Ops UG")];
    expect(await groupsOf(u)).toEqual([`${g1}=Sales UG`]);
    expect(
      (await c.call("PATCH", `/Groups/${g2}`, patch({ op: "Add", path: "members", value: [{ value: u }] })))
        .status,
    ).toBe(204);
    expect(await groupsOf(u)).toEqual([`${g1}=Sales UG`, `${g2}=Ops UG`].sort());
    await c.call(
      "PATCH",
      `/Groups/${g1}`,
      patch({ op: "Replace", path: "displayName", value: "Sales EMEA" }),
    );
    expect(await groupsOf(u)).toEqual([`${g1}=Sales EMEA`, `${g2}=Ops UG`].sort());
    await c.call("PATCH", `/Groups/${g2}`, patch({ op: "Remove", path: "members", value: [{ value: u }] }));
    expect(await groupsOf(u)).toEqual([`${g1}=Sales EMEA`]);
    await c.call("PUT", `/Groups/${g1}`, { displayName: "Sales World", members: [{ value: u }] });
    expect(await groupsOf(u)).toEqual([`${g1}=Sales World`]);
    expect((await c.call("DELETE", `/Groups/${g1}`)).status).toBe(204);
    expect(await groupsOf(u)).toEqual([]);
  });

  test("lists return each user's groups, and a user PATCH keeps them", async () => {
    const u = await user();
    const g = await group(`Listed ${++seq}`, [u]);
    await c.call("PATCH", `/Users/${u}`, patch({ op: "replace", path: "title", value: "Boss" }));
    const list = await c.call("GET", `/Users?filter=${encodeURIComponent(`id eq "${u}"`)}`);
    expect(list.body.Resources[0].groups).toEqual([
      { value: g, $ref: `${c.baseUrl}/Groups/${g}`, display: `Listed ${seq}`, type: "direct" },
    ]);
    const only = await c.call("GET", `/Users?filter=${encodeURIComponent(`id eq "${u}"`)}&attributes=groups`);
    expect(only.body.Resources[0].groups).toHaveLength(1);
  });

  test("concurrent adds, removes and renames converge on exactly the memberships that exist", async () => {
    const u = await user();
    const groups = await Promise.all(Array.from({ length: 5 }, (_, i) => group(`Race ${seq}-${i}`)));
    const work: Promise<unknown>[] = [];
    for (let round = 0; round < 4; round++) {
      for (const [i, g] of groups.entries()) {
        const op = (round + i) % 3;
        if (op === 0)
          work.push(
            c.call("PATCH", `/Groups/${g}`, patch({ op: "Add", path: "members", value: [{ value: u }] })),
          );
        if (op === 1)
          work.push(
            c.call("PATCH", `/Groups/${g}`, patch({ op: "Remove", path: "members", value: [{ value: u }] })),
          );
        if (op === 2)
          work.push(
            c.call(
              "PATCH",
              `/Groups/${g}`,
              patch({ op: "Replace", path: "displayName", value: `Race ${seq}-${i} r${round}` }),
            ),
          );
      }
    }
    const replies = (await Promise.all(work)) as { status: number }[];
    expect(replies.every((r) => r.status === 204)).toBe(true);
    expect(await groupsOf(u)).toEqual(await memberOf(u, groups));
  });

  test("concurrent PUTs replacing the members, adds and removes converge on exactly the memberships that exist", async () => {
    const users = [await user(), await user(), await user()];
    const groups = await Promise.all(Array.from({ length: 3 }, (_, i) => group(`Put race ${seq}-${i}`)));
    const work: Promise<{ status: number }>[] = [];
    for (let round = 0; round < 4; round++) {
      for (const [i, g] of groups.entries()) {
        const members = users.filter((_, k) => (k + round + i) % 2 === 0).map((value) => ({ value }));
        work.push(c.call("PUT", `/Groups/${g}`, { displayName: `Put race ${seq}-${i}`, members }));
        const one = users[(round + i) % users.length] as string;
        const op = round % 2 === 0 ? "Add" : "Remove";
        work.push(c.call("PATCH", `/Groups/${g}`, patch({ op, path: "members", value: [{ value: one }] })));
      }
    }
    const replies = await Promise.all(work);
    expect(replies.map((r) => r.status).filter((status) => status >= 300)).toEqual([]);
    for (const u of users) expect(await groupsOf(u)).toEqual(await memberOf(u, groups));
  });

  test("GET /Users/{id} and Entra's lookup are one Cosmos DB call, however many groups", async () => {
    const u = await user();
    for (let i = 0; i < 3; i++) await group(`Counted ${++seq}`, [u]);
    const services = await createServices(process.env);
    const request = (url: string, params: Record<string, string> = {}): ScimRequest => ({
      method: "GET",
      url: new URL(url),
      header: () => undefined,
      params,
      body: undefined,
      baseUrl: c.baseUrl,
    });
    const scope = services.scope(process.env.SCIM_TENANT_ID ?? "default");
    const got = await getResource("User")(request(`${c.baseUrl}/Users/${u}`, { id: u }), scope);
    expect(got.body?.groups).toHaveLength(3);
    expect(scope.ctx.meter.calls).toBe(1);
    const lookupScope = services.scope(process.env.SCIM_TENANT_ID ?? "default");
    const name = encodeURIComponent(`userName eq "ug.${seq - 3}@contoso.com"`);
    const found = await listResources("User")(request(`${c.baseUrl}/Users?filter=${name}`), lookupScope);
    expect(found.body?.totalResults).toBe(1);
    expect(lookupScope.ctx.meter.calls).toBe(1);
  });
});

describe("a group's meta follows its members (RFC 7643 §3.1)", () => {
  test("adding or removing a member moves meta.lastModified and meta.version; re-adding does not", async () => {
    const [a, b] = [await user(), await user()];
    const g = await group(`Versioned ${++seq}`, [a]);
    const before = (await c.call("GET", `/Groups/${g}?excludedAttributes=members`)).body.meta;
    await new Promise((r) => setTimeout(r, 5));
    const add = await c.call(
      "PATCH",
      `/Groups/${g}?attributes=id`,
      patch({ op: "Add", path: "members", value: [{ value: b }] }),
    );
    expect(add.status).toBe(200);
    const after = (await c.call("GET", `/Groups/${g}?excludedAttributes=members`)).body.meta;
    expect(after.version).not.toBe(before.version);
    expect(after.lastModified > before.lastModified).toBe(true);
    expect(add.headers.get("etag")).toBe(after.version);
    // If-Match now protects members: the old version is refused.
    const stale = await c.call(
      "PATCH",
      `/Groups/${g}`,
      patch({ op: "Remove", path: "members", value: [{ value: a }] }),
      { "If-Match": before.version },
    );
    expect(stale.status).toBe(412);
    await c.call("PATCH", `/Groups/${g}`, patch({ op: "Add", path: "members", value: [{ value: b }] }));
    expect((await c.call("GET", `/Groups/${g}?excludedAttributes=members`)).body.meta.version).toBe(
      after.version,
    );
    const changed = await c.call(
      "GET",
      `/Groups?filter=${encodeURIComponent(`meta.lastModified gt "${before.lastModified}" and id eq "${g}"`)}`,
    );
    expect(changed.body.totalResults).toBe(1);
  });

  test("deleting a member moves the meta of the groups it was in", async () => {
    const a = await user();
    const g = await group(`Parent ${++seq}`, [a]);
    const before = (await c.call("GET", `/Groups/${g}`)).body.meta.version;
    await c.call("DELETE", `/Users/${a}`);
    const after = await c.call("GET", `/Groups/${g}`);
    expect(after.body.members).toEqual([]);
    expect(after.body.meta.version).not.toBe(before);
  });
});
