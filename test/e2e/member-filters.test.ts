import { afterAll, beforeAll, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
let c: Client;
let alice: string;
let bob: string;

beforeAll(async () => {
  c = await startServer();
  alice = (await c.call("POST", "/Users", { userName: "alice.mf@contoso.com" })).body.id;
  bob = (await c.call("POST", "/Users", { userName: "bob.mf@contoso.com" })).body.id;
  for (const displayName of ["MF One", "MF Two", "MF Three"]) {
    await c.call("POST", "/Groups", { displayName, members: [{ value: alice }] });
  }
  await c.call("POST", "/Groups", { displayName: "MF Bob", members: [{ value: bob }] });
}, 60_000);
afterAll(async () => {
  await c?.server.close();
});

test("POST /Groups/.search resolves members[value eq] like GET /Groups does", async () => {
  const filter = `members[value eq "${alice}"]`;
  const search = await c.call("POST", "/Groups/.search", {
    schemas: [SEARCH],
    filter,
    excludedAttributes: ["members"],
  });
  expect(search.status).toBe(200);
  const list = await c.call("GET", `/Groups?filter=${encodeURIComponent(filter)}&excludedAttributes=members`);
  expect(search.body.totalResults).toBe(3);
  expect(search.body.Resources.map((g: { displayName: string }) => g.displayName).sort()).toEqual(
    list.body.Resources.map((g: { displayName: string }) => g.displayName).sort(),
  );
});

test("cursor pages through a members filter; the cursor replayed under another member's filter is invalidCursor", async () => {
  const first = await c.call(
    "GET",
    `/Groups?filter=${encodeURIComponent(`members.value eq "${alice}"`)}&cursor=&count=2&excludedAttributes=members`,
  );
  expect(first.body.Resources).toHaveLength(2);
  expect(first.body.nextCursor).toEqual(expect.any(String));
  const rest = await c.call(
    "GET",
    `/Groups?filter=${encodeURIComponent(`members.value eq "${alice}"`)}&cursor=${first.body.nextCursor}&count=2&excludedAttributes=members`,
  );
  expect(rest.body.Resources).toHaveLength(1);
  const replayed = await c.call(
    "GET",
    `/Groups?filter=${encodeURIComponent(`members.value eq "${bob}"`)}&cursor=${first.body.nextCursor}&count=2`,
  );
  expect(replayed.status).toBe(400);
  expect(replayed.body.scimType).toBe("invalidCursor");
});
