import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, test } from "vitest";

// The query engine under @vercel/cosmosdb-server, as patched by patches/@zeit+cosmosdb-query+0.7.2.patch
// (applied by `npm install` / `npm ci` through postinstall). Structure and results are checked, never time.
const load = createRequire(__filename);
type Exec = { result: unknown[]; continuation: unknown };
type Query = {
  code: string;
  exec(docs: unknown[], options?: { maxItemCount?: number; continuation?: unknown }): Exec;
};
const query = (load("@zeit/cosmosdb-query") as { default: (sql: string) => Query }).default;
const helpers = load("@zeit/cosmosdb-query/lib/helpers") as {
  stripUndefined(value: unknown): unknown;
  append?: (target: unknown[], items: unknown[]) => unknown[];
};

/** An accumulator rebuilt by spreading (`[...$, x]`, `[...o, x]`): one copy per element, O(n²) per query. */
const SPREAD_ACCUMULATOR = /\[\s*\.\.\.(\$|o)\s*,/;

describe("@zeit/cosmosdb-query patch (linear candidate collection)", () => {
  test("the installed version is the one the patch was written for", () => {
    const root = path.dirname(load.resolve("@zeit/cosmosdb-query/package.json"));
    const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string })
      .version;
    expect(version).toBe("0.7.2");
  });

  test.each([
    ["plain FROM", "SELECT c.id FROM c WHERE c.t = 1"],
    [
      "the store's lookup",
      'SELECT c.id, c.r, c._etag FROM c WHERE c.tenantId = @t AND (c.n["userName"] = @p0) ORDER BY c.n.meta.created ASC, c.id ASC',
    ],
    ["JOIN", "SELECT c.id, t FROM c JOIN t IN c.tags WHERE t >= 1"],
    ["two JOINs", "SELECT c.id, k, p FROM c JOIN k IN c.kids JOIN p IN k.p"],
    ["JOIN on a subquery", "SELECT VALUE t FROM c JOIN (SELECT VALUE t FROM t IN c.tags WHERE t > 1) t"],
    ["EXISTS", "SELECT c.id FROM c WHERE EXISTS(SELECT VALUE t FROM t IN c.tags WHERE t = 3)"],
    ["aggregate", "SELECT VALUE COUNT(1) FROM c WHERE c.t = 2"],
  ])("%s: the compiled query appends candidates in place", (_name, sql) => {
    const { code } = query(sql);
    expect(code).not.toMatch(SPREAD_ACCUMULATOR);
    expect(code).toMatch(/\.reduce\(/);
  });

  test("results are cleaned of undefined without rebuilding arrays by spreading", () => {
    expect(helpers.stripUndefined.toString()).not.toMatch(SPREAD_ACCUMULATOR);
    expect(
      helpers.stripUndefined([1, undefined, [2, undefined, { a: undefined, b: [undefined, 3] }]]),
    ).toEqual([1, [2, { b: [3] }]]);
    const target = [1];
    expect(helpers.append?.(target, [2, 3])).toBe(target);
    expect(target).toEqual([1, 2, 3]);
  });

  const docs = [
    { id: "a", _rid: "1", t: 1, tags: [1, 2, 3], kids: [{ p: [1, 2] }, { p: [] }] },
    { id: "b", _rid: "2", t: 2, tags: [2, undefined], kids: [] },
    { id: "c", _rid: "3", t: 1 },
    undefined,
  ];

  test.each([
    ["SELECT * FROM c WHERE c.t = 1", [docs[0], docs[2]]],
    ["SELECT c.id, c.tags FROM c", [{ id: "a", tags: [1, 2, 3] }, { id: "b", tags: [2] }, { id: "c" }]],
    [
      "SELECT c.id, t FROM c JOIN t IN c.tags WHERE t >= 2",
      [
        { id: "a", t: 2 },
        { id: "a", t: 3 },
        { id: "b", t: 2 },
      ],
    ],
    [
      "SELECT c.id, p FROM c JOIN k IN c.kids JOIN p IN k.p",
      [
        { id: "a", p: 1 },
        { id: "a", p: 2 },
      ],
    ],
    ["SELECT VALUE t FROM c JOIN (SELECT VALUE t FROM t IN c.tags WHERE t > 1) t", [2, 3, 2]],
    ["SELECT VALUE COUNT(1) FROM c WHERE c.t = 1", [2]],
  ])("%s gives the same results as before the patch", (sql, expected) => {
    expect(query(sql).exec(docs).result).toEqual(expected);
  });

  test("paging over the collected candidates still works", () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ id: `d${i}`, _rid: String(i).padStart(3, "0") }));
    const first = query("SELECT c.id FROM c").exec(many, { maxItemCount: 10 });
    expect(first.result).toHaveLength(10);
    expect(first.continuation).not.toBeNull();
  });

  test("an IN over a path whose parent is missing iterates nothing, as in Cosmos DB", () => {
    // What a filter on a custom extension's multi-valued attribute compiles to: users without the
    // extension have no object at its URN, and the engine read `c.normalized[urn]["tags"]` unguarded
    // (a TypeError, so a 500, for `GET /Users?filter=<urn>:tags eq "a"`).
    const urn = "urn:ietf:params:scim:schemas:extension:CustomApp:2.0:User";
    const users = [
      { id: "a", _rid: "1", normalized: { [urn]: { tags: ["a", "b"] } } },
      { id: "b", _rid: "2", normalized: {} },
      { id: "c", _rid: "3", normalized: { [urn]: null } },
      { id: "d", _rid: "4", normalized: { [urn]: { tags: ["c"] } } },
    ];
    const tags = `c.normalized[${JSON.stringify(urn)}]["tags"]`;
    const exists = `EXISTS(SELECT VALUE e FROM e IN ${tags} WHERE e = "a")`;
    expect(query(`SELECT VALUE c.id FROM c WHERE ${exists}`).exec(users).result).toEqual(["a"]);
    expect(query(`SELECT VALUE c.id FROM c WHERE NOT ${exists}`).exec(users).result).toEqual(["b", "c", "d"]);
    expect(query(`SELECT c.id, e FROM c JOIN e IN ${tags}`).exec(users).result).toEqual([
      { id: "a", e: "a" },
      { id: "a", e: "b" },
      { id: "d", e: "c" },
    ]);
  });

  test("an ORDER BY page that ends among items without the sorted property resumes where it ended", () => {
    // Cosmos DB returns items lacking an ORDER BY property (they sort first); the engine's
    // continuation kept the next item's sort values as JSON, where undefined became null and
    // matched no item again: every later page was empty.
    const items = ["b", undefined, "a", undefined, undefined].map((t, i) => ({
      id: `u${i}`,
      _rid: String(i).padStart(3, "0"),
      ...(t ? { t } : {}),
    }));
    const sql = "SELECT c.id FROM c ORDER BY c.t ASC, c.id ASC";
    const seen: unknown[] = [];
    let continuation: unknown;
    for (let pages = 0; pages < 10; pages++) {
      const page = query(sql).exec(items, { maxItemCount: 1, ...(continuation ? { continuation } : {}) });
      seen.push(...page.result);
      continuation = page.continuation;
      if (!continuation) break;
    }
    expect(seen).toEqual(["u1", "u3", "u4", "u2", "u0"].map((id) => ({ id })));
  });
});
