import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
let c: Client;
const names = ["delta", "Alpha", "charlie", "Echo", "bravo", "foxtrot", "Golf"];
let windowStart = "";
let windowEnd = "";

beforeAll(async () => {
  c = await startServer({ SCIM_MAX_RESULTS: "5" });
  for (const [i, n] of names.entries()) {
    if (i === 2) windowStart = new Date().toISOString();
    await c.call("POST", "/Users", {
      userName: `${n}@q.test`,
      displayName: n,
      active: i % 3 !== 0,
      emails: [{ type: "work", value: `${n}@q.test` }],
      [ENTERPRISE]: { department: i % 2 ? "Sales" : "Ops" },
    });
    if (i === 5) windowEnd = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
  }
}, 60_000);
afterAll(async () => {
  await c?.server.close();
});

const list = (query: string) => c.call("GET", `/Users?${query}`);
const userNames = (body: { Resources: { userName: string }[] }) => body.Resources.map((r) => r.userName);

describe("paging by index", () => {
  test("startIndex/count pages partition the result in creation order; totalResults is exact", async () => {
    const seen: string[] = [];
    for (let start = 1; start <= 7; start += 3) {
      const page = await list(`startIndex=${start}&count=3`);
      expect(page.body).toMatchObject({ totalResults: 7, startIndex: start });
      expect(page.body.itemsPerPage).toBe(page.body.Resources.length);
      seen.push(...userNames(page.body));
    }
    expect(seen).toEqual(names.map((n) => `${n}@q.test`));
  });

  test("count is capped by maxResults; startIndex below 1 is 1; past the end is empty with the total", async () => {
    const capped = await list("count=100");
    expect(capped.body.Resources).toHaveLength(5);
    expect(capped.body.totalResults).toBe(7);
    expect((await list("startIndex=-4&count=1")).body.startIndex).toBe(1);
    const past = await list("startIndex=50&count=2");
    expect(past.body).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
    expect((await list("count=0")).body).toMatchObject({ totalResults: 7, itemsPerPage: 0 });
    // The first page by cursor (RFC 9865), asked for no items, still counts them all.
    const none = await list("count=0&cursor=");
    expect(none.body).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
    expect(none.body).not.toHaveProperty("nextCursor");
    const bad = await list("count=ten");
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe("invalidValue");
  });
});

describe("paging by cursor (RFC 9865)", () => {
  test("a cursor page claims no startIndex: the 4th user is not at index 1", async () => {
    const first = await list("cursor=&count=3");
    expect(first.body).toMatchObject({ totalResults: 7, itemsPerPage: 3 });
    const second = await list(`cursor=${first.body.nextCursor}&count=3`);
    expect(userNames(second.body)).toEqual(names.slice(3, 6).map((n) => `${n}@q.test`));
    for (const page of [first, second]) expect(page.body).not.toHaveProperty("startIndex");
    const root = await c.call("GET", `/?cursor=${encodeURIComponent("")}&count=3`);
    const next = await c.call("GET", `/?cursor=${root.body.nextCursor}&count=3`);
    expect(next.body.itemsPerPage).toBe(3);
    for (const page of [root, next]) expect(page.body).not.toHaveProperty("startIndex");
    const search = await c.call("POST", "/Users/.search", { schemas: [SEARCH], cursor: "", count: 2 });
    expect(search.body).not.toHaveProperty("startIndex");
    // Index paging still says where its page starts.
    expect((await list("startIndex=4&count=3")).body.startIndex).toBe(4);
  });
});

describe("sorting", () => {
  test("sortBy a caseExact=false attribute sorts case-insensitively, both directions", async () => {
    const asc = await list("sortBy=displayName&count=5");
    expect(userNames(asc.body)).toEqual(
      ["Alpha", "bravo", "charlie", "delta", "Echo"].map((n) => `${n}@q.test`),
    );
    const desc = await list("sortBy=displayName&sortOrder=descending&count=2");
    expect(userNames(desc.body)).toEqual(["Golf@q.test", "foxtrot@q.test"]);
    const multi = await list("sortBy=emails");
    expect(multi.status).toBe(400);
    expect(multi.body.detail).toMatch(/only singular simple attributes/);
    // A password is simple and singular, but never returned: the detail says that instead.
    const secret = await list("sortBy=password");
    expect(secret.status).toBe(400);
    expect(secret.body).toMatchObject({
      scimType: "invalidValue",
      detail: "Cannot sort by 'password': it is never returned.",
    });
  });
});

describe("projection", () => {
  test("attributes keeps id and schemas; excludedAttributes removes; sub-attributes and URN names", async () => {
    const only = await list(
      `filter=${encodeURIComponent('userName eq "alpha@q.test"')}&attributes=emails.value,${ENTERPRISE}:department`,
    );
    expect(only.body.Resources[0]).toEqual({
      schemas: expect.any(Array),
      id: expect.any(String),
      emails: [{ value: "Alpha@q.test" }],
      [ENTERPRISE]: { department: "Sales" },
    });
    const without = await list(
      `filter=${encodeURIComponent('userName eq "alpha@q.test"')}&excludedAttributes=emails,meta`,
    );
    expect(without.body.Resources[0]).not.toHaveProperty("emails");
    expect(without.body.Resources[0]).not.toHaveProperty("meta");
    expect(without.body.Resources[0].userName).toBe("Alpha@q.test");
    expect((await list("attributes=shoeSize")).status).toBe(400);
  });
});

describe("filters", () => {
  test("Entra inbound collection: active eq true and a lastModified window, paged", async () => {
    const filter = `active eq true and (meta.lastModified ge "${windowStart}" and meta.lastModified le "${windowEnd}")`;
    // Users 2..5 were created inside the window; those with i % 3 == 0 are inactive.
    const expected = names.filter((_, i) => i >= 2 && i <= 5 && i % 3 !== 0).map((n) => `${n}@q.test`);
    const first = await list(`filter=${encodeURIComponent(filter)}&count=2`);
    const second = await list(`filter=${encodeURIComponent(filter)}&count=2&startIndex=3`);
    expect(first.body.totalResults).toBe(expected.length);
    expect([...userNames(first.body), ...userNames(second.body)]).toEqual(expected);
  });

  test("a dateTime literal finer than a millisecond compares as that instant, not cut to the millisecond", async () => {
    const all = (await list("count=5&sortBy=meta.created")).body.Resources as {
      userName: string;
      meta: { created: string };
    }[];
    const target = all[2] as (typeof all)[number];
    // .NET's round-trip format ("o") writes seven fractional digits: 0.4 ms after the user's creation.
    const later = target.meta.created.replace(/Z$/, "4000Z");
    const matches = async (filter: string) =>
      userNames((await list(`filter=${encodeURIComponent(filter)}&count=5&sortBy=meta.created`)).body);
    const upTo = all.slice(0, 3).map((u) => u.userName);
    const after = all.slice(3).map((u) => u.userName);
    expect(await matches(`meta.created lt "${later}" and meta.created ge "${all[0]?.meta.created}"`)).toEqual(
      upTo,
    );
    expect(await matches(`meta.created le "${later}" and meta.created ge "${all[0]?.meta.created}"`)).toEqual(
      upTo,
    );
    expect((await matches(`meta.created ge "${later}"`)).slice(0, 2)).toEqual(after);
    expect((await matches(`meta.created gt "${later}"`)).slice(0, 2)).toEqual(after);
    expect(await matches(`meta.created eq "${later}"`)).toEqual([]);
    expect(await matches(`not (meta.created ne "${later}")`)).toEqual([]);
    // Trailing zeros are the same instant.
    expect(await matches(`meta.created eq "${target.meta.created.replace(/Z$/, "0000Z")}"`)).toEqual([
      target.userName,
    ]);
  });

  test("a bad filter is 400 invalidFilter with the position", async () => {
    const r = await list(`filter=${encodeURIComponent('userName eq "x" andd active eq true')}`);
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe("invalidFilter");
    expect(r.body.detail).toMatch(/position \d+/);
  });
});

describe("POST /Users/.search", () => {
  test("a SearchRequest answers like the equivalent GET", async () => {
    const body = {
      schemas: [SEARCH],
      filter: `${ENTERPRISE}:department eq "sales"`,
      sortBy: "userName",
      attributes: ["userName"],
      startIndex: 1,
      count: 2,
    };
    const search = await c.call("POST", "/Users/.search", body);
    const get = await list(
      `filter=${encodeURIComponent(body.filter)}&sortBy=userName&attributes=userName&startIndex=1&count=2`,
    );
    expect(search.status).toBe(200);
    expect(search.body).toEqual(get.body);
    expect(search.body.totalResults).toBe(3);
    const notSearch = await c.call("POST", "/Users/.search", { filter: "x" });
    expect(notSearch.status).toBe(400);
  });
});
