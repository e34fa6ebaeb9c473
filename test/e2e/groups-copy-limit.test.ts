import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { COSMOS_ITEM_LIMIT_BYTES } from "../../shared/local/item-size-limit.js";
import { nameMark } from "../../shared/membership/write-memberships.js";
import { getResource } from "../../shared/operations/get-resource.js";
import type { ScimRequest } from "../../shared/operations/operation.js";
import { createServices } from "../../shared/services.js";
import { GROUPS_COPY_MAX_BYTES, type ResourceDocument } from "../../shared/store/documents.js";
import { directCosmos } from "../support/direct-cosmos.js";
import { type Client, startServer } from "../support/local-server.js";

/**
 * A user's `groups` copy is bounded, so that no membership write can take a user document past
 * Cosmos DB's 2 MB item limit (which the embedded server enforces as Cosmos DB does): every user
 * document keeps room for the copy, and a user whose groups outgrow it is marked `groupsOverflow`
 * and has its groups read from the memberships, with the same answers as before.
 */

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });
/** A group name that makes each `groups` entry about 3 KB: 22 of them outgrow the copy. */
const LONG = 3000;
let c: Client;
let cosmos: ReturnType<typeof directCosmos>;
let seq = 0;

beforeAll(async () => {
  // The largest body the settings allow: a POST and a PATCH then bring a user close to the item limit.
  c = await startServer({ SCIM_MAX_BODY_BYTES: "1000000" });
  cosmos = directCosmos();
}, 30_000);
afterAll(async () => {
  cosmos?.client.dispose();
  await c?.server.close();
});

const users = () => cosmos.database().container("users");
const stored = async (id: string) =>
  (await users().item(id, cosmos.tenant).read<ResourceDocument>()).resource;
const bytesOf = (doc: unknown) => Buffer.byteLength(JSON.stringify(doc));

const user = async (extra: Record<string, unknown> = {}) => {
  const r = await c.call("POST", "/Users", { userName: `copy.${++seq}@contoso.com`, ...extra });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const longName = (tag: string) => `${tag} ${++seq} `.padEnd(LONG, "x");
const group = async (name: string, members: string[] = []) => {
  const r = await c.call("POST", "/Groups", {
    displayName: name,
    members: members.map((value) => ({ value })),
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const join = async (groupId: string, userId: string) => {
  const r = await c.call(
    "PATCH",
    `/Groups/${groupId}`,
    patch({ op: "Add", path: "members", value: [{ value: userId }] }),
  );
  expect(r.status).toBe(204);
};
/** The user's groups as `id=display`, sorted, as GET /Users/{id} returns them. */
const groupsOf = async (userId: string, query = "") => {
  const r = await c.call("GET", `/Users/${userId}${query}`);
  expect(r.status).toBe(200);
  return ((r.body.groups ?? []) as { value: string; display: string; $ref: string; type: string }[])
    .map((g) => {
      expect(g.$ref).toBe(`${c.baseUrl}/Groups/${g.value}`);
      expect(g.type).toBe("direct");
      return `${g.value}=${g.display}`;
    })
    .sort();
};

describe("a user's groups copy stays within its budget", () => {
  test("groups that outgrow the copy are read from the memberships, through adds, removes, renames and deletes", async () => {
    const u = await user();
    const expected = new Map<string, string>();
    // Half join at creation (the group's POST), half by Entra's PATCH add.
    for (let i = 0; i < 26; i++) {
      const name = longName("Big");
      const g = i % 2 === 0 ? await group(name, [u]) : await group(name);
      if (i % 2 === 1) await join(g, u);
      expected.set(g, name);
    }
    const list = () => [...expected].map(([id, name]) => `${id}=${name}`).sort();
    const doc = await stored(u);
    expect(doc?.groupsOverflow).toBe(true);
    expect(doc?.groups ?? []).toEqual([]);
    expect(await groupsOf(u)).toEqual(list());

    const [renamed, left, deleted] = [...expected.keys()];
    const newName = longName("Renamed");
    expect(
      (
        await c.call(
          "PATCH",
          `/Groups/${renamed}`,
          patch({ op: "Replace", path: "displayName", value: newName }),
        )
      ).status,
    ).toBe(204);
    expected.set(renamed as string, newName);
    expect(
      (await c.call("PATCH", `/Groups/${left}`, patch({ op: "Remove", path: `members[value eq "${u}"]` })))
        .status,
    ).toBe(204);
    expected.delete(left as string);
    expect((await c.call("DELETE", `/Groups/${deleted}`)).status).toBe(204);
    expected.delete(deleted as string);
    expect(await groupsOf(u)).toEqual(list());

    // Entra's lookup, a list page, a PUT and a PATCH of the user: the same groups, the mark kept.
    const userName = (await c.call("GET", `/Users/${u}`)).body.userName as string;
    const found = (filter: string) => c.call("GET", `/Users?filter=${encodeURIComponent(filter)}`);
    for (const answer of [await found(`userName eq "${userName}"`), await found(`id eq "${u}"`)]) {
      expect(answer.status).toBe(200);
      expect(
        (answer.body.Resources[0].groups as { value: string; display: string }[])
          .map((g) => `${g.value}=${g.display}`)
          .sort(),
      ).toEqual(list());
    }
    expect((await c.call("PUT", `/Users/${u}`, { userName, title: "Replaced" })).status).toBe(200);
    const patched = await c.call(
      "PATCH",
      `/Users/${u}`,
      patch({ op: "Replace", path: "title", value: "Patched" }),
    );
    expect(patched.status).toBe(200);
    expect((patched.body.groups as unknown[]).length).toBe(expected.size);
    expect((await stored(u))?.groupsOverflow).toBe(true);
    expect(await groupsOf(u)).toEqual(list());
    expect(await groupsOf(u, "?excludedAttributes=groups")).toEqual([]);
  });

  test("reading a marked user is three Cosmos DB calls (the user, its memberships, the groups' names), one for a user with a copy", async () => {
    const marked = await user();
    for (let i = 0; i < 22; i++) await group(longName("Counted"), [marked]);
    const plain = await user();
    await group("Counted small", [plain]);
    expect((await stored(marked))?.groupsOverflow).toBe(true);
    const services = await createServices(process.env);
    const callsFor = async (id: string) => {
      const scope = services.scope(cosmos.tenant);
      const request: ScimRequest = {
        method: "GET",
        url: new URL(`${c.baseUrl}/Users/${id}`),
        header: () => undefined,
        params: { id },
        body: undefined,
        baseUrl: c.baseUrl,
      };
      const got = await getResource("User")(request, scope);
      return { calls: scope.ctx.meter.calls, groups: ((got.body?.groups ?? []) as unknown[]).length };
    };
    expect(await callsFor(marked)).toEqual({ calls: 3, groups: 22 });
    expect(await callsFor(plain)).toEqual({ calls: 1, groups: 1 });
  });

  test("once the groups fit again (removes, deletes), the copy is rebuilt and the mark goes", async () => {
    const u = await user();
    const joined: string[] = [];
    for (let i = 0; i < 24; i++) joined.push(await group(longName("Shrink"), [u]));
    expect((await stored(u))?.groupsOverflow).toBe(true);
    // 22 entries of 3 KB outgrow 64 KiB; 21 fit. Leave by a PATCH remove, and by a group's DELETE.
    const [a, b, d] = joined;
    for (const g of [a, b])
      expect(
        (await c.call("PATCH", `/Groups/${g}`, patch({ op: "Remove", path: `members[value eq "${u}"]` })))
          .status,
      ).toBe(204);
    expect((await stored(u))?.groupsOverflow).toBe(true);
    expect((await c.call("DELETE", `/Groups/${d}`)).status).toBe(204);
    const doc = await stored(u);
    expect(doc?.groupsOverflow).toBe(false);
    expect(doc?.groups?.map((g) => g.value).sort()).toEqual(joined.slice(3).sort());
    const listed = await groupsOf(u);
    expect(listed).toHaveLength(21);
    // From the copy again: the next add is written into it.
    const more = await group("Small again", [u]);
    expect((await stored(u))?.groups?.some((g) => g.value === more)).toBe(true);
    expect(await groupsOf(u)).toEqual([...listed, `${more}=Small again`].sort());
  });

  test("a user grown to its limit still joins any number of groups: no 500, no membership without its entry", async () => {
    // A body holds at most 1,000,000 bytes: a POST brings the user close, and a PATCH, sized by
    // what the server says of a first, larger one, brings it just inside its limit.
    const u = await user({ nickName: "n".repeat(990_000) });
    const title = (length: number) =>
      c.call("PATCH", `/Users/${u}`, patch({ op: "Add", path: "title", value: "t".repeat(length) }));
    const probe = await title(60_000);
    expect(probe.status).toBe(413);
    const [, bytes, limit] =
      /would take (\d+) bytes in Cosmos DB, over the (\d+) bytes/.exec(probe.body.detail) ?? [];
    expect(Number(limit)).toBe(COSMOS_ITEM_LIMIT_BYTES - 1024 - GROUPS_COPY_MAX_BYTES);
    // The title is stored twice (as sent and lower-cased): each character it loses saves two bytes.
    expect((await title(60_000 - Math.ceil((Number(bytes) - Number(limit)) / 2) - 200)).status).toBe(200);
    const size = bytesOf(await stored(u));
    expect(size).toBeGreaterThan(Number(limit) - 1000);
    expect(size).toBeLessThanOrEqual(Number(limit));

    const names: string[] = [];
    for (let i = 0; i < 30; i++) {
      const name = longName("Near");
      names.push(`${await group(name)}=${name}`);
      await join(names[i]?.split("=")[0] as string, u);
      expect(bytesOf(await stored(u))).toBeLessThanOrEqual(COSMOS_ITEM_LIMIT_BYTES - 1024);
    }
    expect((await stored(u))?.groupsOverflow).toBe(true);
    expect(await groupsOf(u)).toEqual(names.sort());
    // The room kept for the copy is not the resource's to take.
    const grow = await c.call(
      "PATCH",
      `/Users/${u}`,
      patch({ op: "Add", path: "displayName", value: "d".repeat(2000) }),
    );
    expect(grow.status).toBe(413);
    expect(grow.body.detail).toMatch(/keeps 64 KiB for the user's groups/);
  });

  test("a document stored before the copy had room kept for it: Cosmos DB's 413 on the copy marks the user", async () => {
    const u = await user();
    const doc = (await stored(u)) as unknown as Record<string, unknown>;
    // Grown behind the endpoint's back to just under Cosmos DB's own limit (an older release's write).
    const pad = COSMOS_ITEM_LIMIT_BYTES - 1500 - bytesOf(doc);
    await users()
      .item(u, cosmos.tenant)
      .replace({ ...doc, legacyPadding: "p".repeat(pad) });
    const [g, h] = [await group(longName("Legacy")), await group(longName("Legacy"))];
    await join(g, u);
    await join(h, u);
    expect((await stored(u))?.groupsOverflow).toBe(true);
    expect(await groupsOf(u)).toHaveLength(2);
    // Down to one group, the rebuilt copy fits its budget but not this document: the mark stays.
    const left = await c.call(
      "PATCH",
      `/Groups/${h}`,
      patch({ op: "Remove", path: `members[value eq "${u}"]` }),
    );
    expect(left.status).toBe(204);
    expect((await stored(u))?.groupsOverflow).toBe(true);
    expect(await groupsOf(u)).toEqual([`${g}=${(await c.call("GET", `/Groups/${g}`)).body.displayName}`]);
  });
  test("a group whose name takes a large part of the item limit is created with members, renamed, and the rename settles", async () => {
    const u = await user();
    const huge = (tag: string) => `${tag} ${++seq} `.padEnd(700_000, "h");
    const first = huge("First");
    const g = await group(first, [u]);
    expect(await groupsOf(u)).toEqual([`${g}=${first}`]);
    const second = huge("Second");
    const renamed = await c.call(
      "PATCH",
      `/Groups/${g}`,
      patch({ op: "Replace", path: "displayName", value: second }),
    );
    expect(renamed.status).toBe(204);
    expect(await groupsOf(u)).toEqual([`${g}=${second}`]);
    const doc = (await cosmos.database().container("groups").item(g, cosmos.tenant).read<ResourceDocument>())
      .resource;
    // The group records its members carry the name in a few dozen bytes, not a third copy of it.
    expect(doc?.namesPropagated).toBe(nameMark(second));
    expect(bytesOf(doc)).toBeLessThan(2 * 700_000 + 2000);
  });
});
