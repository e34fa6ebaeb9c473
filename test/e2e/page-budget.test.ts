import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

/**
 * SCIM_MAX_RESPONSE_BYTES (RFC 7644 §3.4.2.4): a page stops short of `count` where its resources
 * would pass the budget, says so in `itemsPerPage`, and paging on by startIndex or by cursor
 * (RFC 9865) still visits every resource exactly once. A resource larger than the budget comes alone.
 */
const BUDGET = 4096;
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
let c: Client;
const userIds: string[] = [];
const groupIds: string[] = [];
let hugeId = "";

beforeAll(async () => {
  c = await startServer({ SCIM_MAX_RESPONSE_BYTES: String(BUDGET) });
  // About 1,200 bytes each rendered: three to a page.
  for (let i = 0; i < 10; i++) {
    const r = await c.call("POST", "/Users", { userName: `u${i}@budget.test`, title: "t".repeat(1000) });
    expect(r.status).toBe(201);
    userIds.push(r.body.id);
  }
  const huge = await c.call("POST", "/Users", {
    userName: "huge@budget.test",
    title: "h".repeat(3 * BUDGET),
  });
  expect(huge.status).toBe(201);
  hugeId = huge.body.id;
  userIds.push(hugeId);
  // Small documents, large once rendered: every user is a member, some 1,700 bytes of `members` each.
  for (let i = 0; i < 3; i++) {
    const r = await c.call("POST", "/Groups", {
      displayName: `g${i}`,
      members: userIds.map((value) => ({ value })),
    });
    expect(r.status).toBe(201);
    groupIds.push(r.body.id);
  }
}, 120_000);
afterAll(async () => {
  await c?.server.close();
});

// biome-ignore lint/suspicious/noExplicitAny: a ListResponse, asserted field by field
type Body = any;

/** A page within the budget (its resources and the commas between them), unless it holds one resource. */
function checkPage(body: Body) {
  expect(body.itemsPerPage).toBe(body.Resources.length);
  expect(body.Resources.length).toBeGreaterThan(0);
  const bytes = Buffer.byteLength(JSON.stringify(body.Resources)) - 2;
  if (body.Resources.length > 1) expect(bytes).toBeLessThanOrEqual(BUDGET);
  if (body.Resources.some((r: { id: string }) => r.id === hugeId)) expect(body.Resources).toHaveLength(1);
}

async function byIndex(fetchPage: (startIndex: number) => Promise<Body>) {
  const seen: string[] = [];
  let startIndex = 1;
  let total = Number.POSITIVE_INFINITY;
  let pages = 0;
  while (startIndex <= total) {
    const body = await fetchPage(startIndex);
    checkPage(body);
    total = body.totalResults;
    seen.push(...body.Resources.map((r: { id: string }) => r.id));
    startIndex += body.itemsPerPage;
    pages++;
  }
  return { seen, pages };
}

async function byCursor(fetchPage: (cursor: string) => Promise<Body>) {
  const seen: string[] = [];
  let cursor: string | undefined = "";
  let pages = 0;
  while (cursor !== undefined) {
    const body = await fetchPage(cursor);
    checkPage(body);
    seen.push(...body.Resources.map((r: { id: string }) => r.id));
    cursor = body.nextCursor;
    pages++;
    expect(pages).toBeLessThan(50);
  }
  return { seen, pages };
}

const get = async (path: string) => {
  const r = await c.call("GET", path);
  expect(r.status).toBe(200);
  return r.body;
};
const post = async (path: string, body: object) => {
  const r = await c.call("POST", path, { schemas: [SEARCH], ...body });
  expect(r.status).toBe(200);
  return r.body;
};
const sorted = (ids: readonly string[]) => [...ids].sort();

describe("a list page is bounded in bytes", () => {
  test("a page holds fewer than count, and says so in itemsPerPage; totalResults counts them all", async () => {
    const body = await get("/Users?count=50");
    checkPage(body);
    expect(body.totalResults).toBe(userIds.length);
    expect(body.Resources.length).toBeLessThan(userIds.length);
    expect(body.startIndex).toBe(1);
  });

  test("a resource larger than the budget comes alone", async () => {
    const body = await get(`/Users?filter=${encodeURIComponent('userName eq "huge@budget.test"')}`);
    expect(body.itemsPerPage).toBe(1);
    expect(body.Resources[0].id).toBe(hugeId);
    expect(body.Resources[0].title).toHaveLength(3 * BUDGET);
    // "huge@" sorts before "u0@": the first page holds it alone, though more would fit the count.
    const sortedByName = await get("/Users?count=50&sortBy=userName");
    expect(sortedByName.Resources.map((r: { id: string }) => r.id)).toEqual([hugeId]);
  });

  test.each([
    ["GET /Users", (i: number) => get(`/Users?count=50&startIndex=${i}`), () => userIds],
    [
      "GET /Users sorted",
      (i: number) => get(`/Users?count=50&sortBy=userName&startIndex=${i}`),
      () => userIds,
    ],
    [
      "POST /Users/.search",
      (i: number) => post("/Users/.search", { count: 50, startIndex: i }),
      () => userIds,
    ],
    ["GET /Groups", (i: number) => get(`/Groups?count=50&startIndex=${i}`), () => groupIds],
    ["GET /", (i: number) => get(`/?count=50&startIndex=${i}`), () => [...userIds, ...groupIds]],
    [
      "POST /.search",
      (i: number) => post("/.search", { count: 50, startIndex: i }),
      () => [...userIds, ...groupIds],
    ],
  ])("%s by startIndex visits every resource once", async (_, fetchPage, all) => {
    const { seen, pages } = await byIndex(fetchPage);
    expect(sorted(seen)).toEqual(sorted(all()));
    expect(pages).toBeGreaterThan(1);
  });

  test.each([
    ["GET /Users", (k: string) => get(`/Users?count=50&cursor=${k}`), () => userIds],
    ["GET /Users sorted", (k: string) => get(`/Users?count=50&sortBy=title&cursor=${k}`), () => userIds],
    ["POST /Users/.search", (k: string) => post("/Users/.search", { count: 50, cursor: k }), () => userIds],
    ["GET /Groups", (k: string) => get(`/Groups?count=50&cursor=${k}`), () => groupIds],
    ["GET /", (k: string) => get(`/?count=50&cursor=${k}`), () => [...userIds, ...groupIds]],
    [
      "POST /.search",
      (k: string) => post("/.search", { count: 50, cursor: k }),
      () => [...userIds, ...groupIds],
    ],
  ])("%s by cursor visits every resource once", async (_, fetchPage, all) => {
    const { seen, pages } = await byCursor(fetchPage);
    expect(sorted(seen)).toEqual(sorted(all()));
    expect(pages).toBeGreaterThan(1);
  });

  test("groups left without their members come many to a page", async () => {
    const body = await get("/Groups?count=50&excludedAttributes=members");
    expect(body.itemsPerPage).toBe(groupIds.length);
  });
});
