import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

/**
 * sortBy, sortOrder and paging against a model, over HTTP (RFC 7644 §3.4.2.3, §3.4.2.4; RFC 9865):
 * random resources, some without the sorted attribute (absent, sent as null, or removed by PATCH), values that tie
 * case-insensitively, random page sizes. Whatever the query, one page, pages by startIndex and pages
 * by cursor must each give exactly the model's order: by the attribute's comparison form, a missing
 * value last when ascending and first when descending, ties by id in the same direction. Some users
 * are padded past a third of a small SCIM_MAX_RESPONSE_BYTES, so that pages also end short of
 * `count` (RFC 7644 §3.4.2.4), anywhere in the order: paging on by `itemsPerPage` or by cursor must
 * still give the model's order, nothing skipped or repeated.
 */

let c: Client;
let seq = 0;
beforeAll(async () => {
  c = await startServer({ SCIM_MAX_RESPONSE_BYTES: String(BUDGET) });
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

const BUDGET = 2048;
/** A user this padded takes over a third of the budget rendered: three or more of them end a page. */
const PADDING = "p".repeat(800);
const enc = encodeURIComponent;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/** Values that tie once case is folded, and code points on both sides of ASCII. */
const VALUES = [
  "apple",
  "Apple",
  "APPLE",
  "banana",
  "b",
  "B",
  "Zeta",
  "zz",
  "éclair",
  "Ærø",
  "10",
  "9",
  "a b",
];

interface Spec {
  title?: string | null;
  displayName?: string | null;
  givenName?: string | null;
  /** A later PATCH of title: replaced by a string, removed by null. */
  laterTitle?: string | null;
  padded?: boolean;
}

const optionalValue = fc.option(fc.oneof(fc.constantFrom(...VALUES), fc.constant(null)), { nil: undefined });
const users = fc.array(
  fc.record(
    {
      title: optionalValue,
      displayName: optionalValue,
      givenName: optionalValue,
      laterTitle: optionalValue,
      padded: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  { minLength: 0, maxLength: 9 },
);
/** Groups only show at the server root; their displayName is required, their title does not exist. */
const groups = fc.array(fc.constantFrom(...VALUES), { minLength: 0, maxLength: 3 });
const queries = fc.record({
  root: fc.boolean(),
  sortBy: fc.constantFrom("title", "displayName", "name.givenName", "id", undefined),
  descending: fc.boolean(),
  count: fc.integer({ min: 1, max: 4 }),
});

type Row = { id: string; key: string | undefined };

/** The comparison form of these attributes: all caseExact=false strings. */
const keyOf = (value: string | null | undefined) =>
  typeof value === "string" ? value.toLowerCase() : undefined;

/** The RFC's order: ascending by key, missing last, ties by id; descending is the exact reverse. */
function modelOrder(rows: Row[], descending: boolean): string[] {
  const ascending = [...rows].sort((a, b) => {
    if (a.key !== b.key) {
      if (a.key === undefined) return 1;
      if (b.key === undefined) return -1;
      return a.key < b.key ? -1 : 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  const ids = ascending.map((r) => r.id);
  return descending ? ids.reverse() : ids;
}

describe("sorting and paging against a model", () => {
  test("one page, pages by startIndex and pages by cursor all give the model's order", async () => {
    let shortPages = 0;
    await fc.assert(
      fc.asyncProperty(users, groups, queries, async (userSpecs, groupNames, q) => {
        const tag = `sortprop-${++seq}`;
        const rows: (Row & { spec: Spec; type: "User" | "Group" })[] = [];
        for (const [i, spec] of userSpecs.entries()) {
          const body: Record<string, unknown> = { userName: `${tag}-${i}@x.y`, externalId: tag };
          if (spec.title !== undefined) body.title = spec.title;
          if (spec.displayName !== undefined) body.displayName = spec.displayName;
          if (spec.givenName !== undefined) body.name = { givenName: spec.givenName };
          if (spec.padded) body.nickName = PADDING;
          const r = await c.call("POST", "/Users", body);
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          if (spec.laterTitle !== undefined) {
            const op =
              spec.laterTitle === null
                ? { op: "remove", path: "title" }
                : { op: "replace", path: "title", value: spec.laterTitle };
            const patched = await c.call("PATCH", `/Users/${r.body.id}`, {
              schemas: [PATCH_OP],
              Operations: [op],
            });
            expect(patched.status, JSON.stringify(patched.body)).toBeLessThan(300);
          }
          const title = spec.laterTitle !== undefined ? spec.laterTitle : spec.title;
          rows.push({ id: r.body.id, key: undefined, spec: { ...spec, title }, type: "User" });
        }
        if (q.root) {
          for (const [i, name] of groupNames.entries()) {
            const r = await c.call("POST", "/Groups", {
              displayName: `${name} ${tag} ${i}`,
              externalId: tag,
            });
            expect(r.status, JSON.stringify(r.body)).toBe(201);
            rows.push({
              id: r.body.id,
              key: undefined,
              spec: { displayName: `${name} ${tag} ${i}` },
              type: "Group",
            });
          }
        }
        const keyed: Row[] = rows.map((row) => ({
          id: row.id,
          key:
            q.sortBy === "title"
              ? keyOf(row.spec.title)
              : q.sortBy === "displayName"
                ? keyOf(row.spec.displayName)
                : q.sortBy === "name.givenName"
                  ? keyOf(row.spec.givenName)
                  : row.id,
        }));
        const want = q.sortBy ? modelOrder(keyed, q.descending) : undefined;
        const path = q.root ? "/" : "/Users";
        const query =
          `filter=${enc(`externalId eq "${tag}"`)}` +
          (q.sortBy ? `&sortBy=${enc(q.sortBy)}` : "") +
          (q.descending ? "&sortOrder=descending" : "");
        const label = `${path}?${query}&count=${q.count}`;

        const whole = await c.call("GET", `${path}?${query}`);
        expect(whole.status, JSON.stringify(whole.body)).toBe(200);
        const wholeIds: string[] = whole.body.Resources.map((x: { id: string }) => x.id);
        expect(whole.body.totalResults).toBe(rows.length);
        expect(whole.body.itemsPerPage).toBe(wholeIds.length);
        if (rows.length > 0) expect(wholeIds.length).toBeGreaterThan(0);
        // Only the budget ends the page short, and never below it.
        if (wholeIds.length < rows.length) {
          shortPages++;
          expect(Buffer.byteLength(JSON.stringify(whole.body.Resources)) - 2).toBeGreaterThan(BUDGET / 3);
        }

        const byIndex: string[] = [];
        for (let start = 1; start <= rows.length; ) {
          const r = await c.call("GET", `${path}?${query}&startIndex=${start}&count=${q.count}`);
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          expect(r.body.totalResults).toBe(rows.length);
          expect(r.body.itemsPerPage).toBe(r.body.Resources.length);
          expect(r.body.itemsPerPage, `an empty page by index: ${label}`).toBeGreaterThan(0);
          byIndex.push(...r.body.Resources.map((x: { id: string }) => x.id));
          start += r.body.itemsPerPage;
        }
        // Without sortBy the order is the server's own (creation time, then id): the pages must agree with it.
        const expected = want ?? byIndex;
        expect([...byIndex].sort()).toEqual(rows.map((r) => r.id).sort());
        expect(wholeIds, `one page: ${label}`).toEqual(expected.slice(0, wholeIds.length));
        expect(byIndex, `by startIndex: ${label}`).toEqual(expected);

        const byCursor: string[] = [];
        let cursor = "";
        for (let pages = 0; pages <= rows.length; pages++) {
          const r = await c.call("GET", `${path}?${query}&count=${q.count}&cursor=${cursor}`);
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          if (rows.length > 0)
            expect(r.body.Resources.length, `an empty page with a cursor: ${label}`).toBeGreaterThan(0);
          byCursor.push(...r.body.Resources.map((x: { id: string }) => x.id));
          cursor = r.body.nextCursor ?? "";
          if (!cursor) break;
        }
        expect(cursor, `a cursor after the last page: ${label}`).toBe("");
        expect(byCursor, `by cursor: ${label}`).toEqual(expected);
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261201), numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
    // The padding did end pages short of their count: the budget's cuts were among what was checked.
    expect(shortPages).toBeGreaterThan(0);
  }, 240_000);
});
