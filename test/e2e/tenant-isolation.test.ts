import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createServices } from "../../shared/services.js";
import { type Client, type Reply, startServer } from "../support/local-server.js";

/**
 * Two customer tenants on one deployment, each with its own Secret Token. Tenant B must never
 * read, change or even detect tenant A's data: every answer B gets about A's ids is the answer it
 * gets about ids that exist nowhere.
 */
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
let c: Client;
let tokenA: string;
let tokenB: string;
const ids = {} as { userA: string; groupA: string; userB: string; groupB: string; etagA: string };

const as =
  (token: string) =>
  (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    c.call(method, path, body, { Authorization: `Bearer ${token}`, ...headers });
const A = (...args: Parameters<ReturnType<typeof as>>) => as(tokenA)(...args);
const B = (...args: Parameters<ReturnType<typeof as>>) => as(tokenB)(...args);
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });
const enc = encodeURIComponent;

/** B's answer about A's id must equal its answer about an id that exists nowhere. */
async function sameAsMissing(call: (id: string) => Promise<Reply>, foreignId: string) {
  const missing = randomUUID();
  const foreign = await call(foreignId);
  const absent = await call(missing);
  expect(foreign.status).toBe(absent.status);
  expect(JSON.stringify(foreign.body ?? null).replaceAll(foreignId, "<id>")).toBe(
    JSON.stringify(absent.body ?? null).replaceAll(missing, "<id>"),
  );
  return foreign;
}

beforeAll(async () => {
  c = await startServer();
  const services = await createServices(process.env);
  await services.tenants.create("tenant-a", "Contoso");
  await services.tenants.create("tenant-b", "Fabrikam");
  tokenA = (await services.tenants.createToken("tenant-a")).token;
  tokenB = (await services.tenants.createToken("tenant-b")).token;
  const userA = await A("POST", "/Users", {
    userName: "same.name@example.com",
    externalId: "ext-1",
    active: true,
  });
  expect(userA.status).toBe(201);
  ids.userA = userA.body.id;
  const groupA = await A("POST", "/Groups", { displayName: "Sales", members: [{ value: ids.userA }] });
  expect(groupA.status).toBe(201);
  ids.groupA = groupA.body.id;
  // Joining the group moved the user's version (its `groups` changed): the baseline is taken after.
  ids.etagA = (await A("GET", `/Users/${ids.userA}`)).headers.get("etag") ?? "";
  for (let i = 0; i < 3; i++) {
    expect((await A("POST", "/Users", { userName: `a${i}@example.com`, active: true })).status).toBe(201);
  }
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

describe("tenant B cannot detect tenant A", () => {
  test("uniqueness is per tenant: B creates the same userName and displayName", async () => {
    const userB = await B("POST", "/Users", {
      userName: "SAME.NAME@example.com",
      externalId: "ext-1",
      active: true,
    });
    expect(userB.status).toBe(201);
    ids.userB = userB.body.id;
    const groupB = await B("POST", "/Groups", { displayName: "Sales" });
    expect(groupB.status).toBe(201);
    ids.groupB = groupB.body.id;
  });

  test("GET by id: A's ids are 404 exactly like missing ids", async () => {
    const user = await sameAsMissing((id) => B("GET", `/Users/${id}`), ids.userA);
    expect(user.status).toBe(404);
    await sameAsMissing((id) => B("GET", `/Groups/${id}`), ids.groupA);
    await sameAsMissing((id) => B("GET", `/Users/${id}?attributes=userName`), ids.userA);
  });

  test("lists, filters and .search see only B's resources", async () => {
    const list = await B("GET", "/Users");
    expect(list.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.userB]);
    expect(list.body.totalResults).toBe(1);
    const byName = await B("GET", `/Users?filter=${enc('userName eq "same.name@example.com"')}`);
    expect(byName.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.userB]);
    await sameAsMissing((id) => B("GET", `/Users?filter=${enc(`id eq "${id}"`)}`), ids.userA);
    await sameAsMissing((id) => B("GET", `/Groups?filter=${enc(`members[value eq "${id}"]`)}`), ids.userA);
    await sameAsMissing(
      (id) => B("POST", "/Users/.search", { schemas: [SEARCH], filter: `id eq "${id}"` }),
      ids.userA,
    );
    const groups = await B("POST", "/Groups/.search", {
      schemas: [SEARCH],
      filter: 'displayName eq "Sales"',
    });
    expect(groups.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.groupB]);
    expect((await B("GET", `/Users/${ids.userB}`)).body).not.toHaveProperty("groups");
  });

  test("PUT, PATCH and DELETE on A's ids are 404 like missing ids, ETag or not, and change nothing", async () => {
    const put = (id: string) => B("PUT", `/Users/${id}`, { userName: "taken@example.com", active: false });
    expect((await sameAsMissing(put, ids.userA)).status).toBe(404);
    const withEtag = (id: string) =>
      B("PUT", `/Users/${id}`, { userName: "x@example.com" }, { "If-Match": ids.etagA });
    expect((await sameAsMissing(withEtag, ids.userA)).status).toBe(404);
    const deactivate = (id: string) =>
      B("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "active", value: false }));
    await sameAsMissing(deactivate, ids.userA);
    const rename = (id: string) =>
      B("PATCH", `/Groups/${id}`, patch({ op: "Replace", path: "displayName", value: "Hijacked" }), {
        "If-Match": ids.etagA,
      });
    await sameAsMissing(rename, ids.groupA);
    await sameAsMissing((id) => B("DELETE", `/Users/${id}`), ids.userA);
    await sameAsMissing((id) => B("DELETE", `/Groups/${id}`), ids.groupA);
    const user = await A("GET", `/Users/${ids.userA}`);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ userName: "same.name@example.com", active: true });
    expect(user.headers.get("etag")).toBe(ids.etagA);
    expect((await A("GET", `/Groups/${ids.groupA}`)).body).toMatchObject({ displayName: "Sales" });
  });

  test("membership: adding A's user to B's group fails as for an unknown id; removing is the same no-op", async () => {
    const add = (id: string) =>
      B("PATCH", `/Groups/${ids.groupB}`, patch({ op: "Add", path: "members", value: [{ value: id }] }));
    const added = await sameAsMissing(add, ids.userA);
    expect(added.status).toBe(400);
    expect(added.body.scimType).toBe("invalidValue");
    const remove = (id: string) =>
      B("PATCH", `/Groups/${ids.groupB}`, patch({ op: "Remove", path: "members", value: [{ value: id }] }));
    await sameAsMissing(remove, ids.userA);
    const removeFromA = (id: string) =>
      B("PATCH", `/Groups/${id}`, patch({ op: "Remove", path: `members[value eq "${ids.userA}"]` }));
    expect((await sameAsMissing(removeFromA, ids.groupA)).status).toBe(404);
    const members = (await A("GET", `/Groups/${ids.groupA}`)).body.members as { value: string }[];
    expect(members.map((m) => m.value)).toEqual([ids.userA]);
    expect((await A("GET", `/Users/${ids.userA}`)).body.groups).toEqual([
      expect.objectContaining({ value: ids.groupA }),
    ]);
  });

  test("A's cursor is invalidCursor for B", async () => {
    const first = await A("GET", "/Users?count=1&cursor=");
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toBeTruthy();
    const next = await A("GET", `/Users?count=1&cursor=${enc(first.body.nextCursor)}`);
    expect(next.status).toBe(200);
    const foreign = await B("GET", `/Users?count=1&cursor=${enc(first.body.nextCursor)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.scimType).toBe("invalidCursor");
    const garbage = await B("GET", "/Users?count=1&cursor=bm90LWEtY3Vyc29y");
    expect(garbage.body.scimType).toBe("invalidCursor");
  });

  test("A's token never reaches B's data either", async () => {
    await sameAsMissing((id) => A("GET", `/Users/${id}`), ids.userB);
    const list = await A("GET", `/Users?filter=${enc('userName eq "same.name@example.com"')}`);
    expect(list.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.userA]);
  });
});
