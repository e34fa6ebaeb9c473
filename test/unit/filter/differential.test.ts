import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { bindFilter } from "../../../shared/filter/bind-filter.js";
import { compileFilter } from "../../../shared/filter/compile-filter.js";
import { evaluateFilter } from "../../../shared/filter/evaluate-filter.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import { normalizeResource } from "../../../shared/schema/normalize-resource.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import type { ScimObject, ScimValue } from "../../../shared/schema/scim-json.js";
import { ids, text, userFilter, userResource } from "./filter-arbitraries.js";
import { filterToSql } from "./filter-builders.js";
import { runCosmosQuery, type Semantics } from "./run-cosmos-query.js";

const { User } = buildResourceTypes();

interface Item {
  id: string;
  tenantId: string;
  resource: ScimObject;
  normalized: ScimObject;
}

/** Users of tenant t1 as the store keeps them: `normalized` from the real normalizeResource. */
const items = fc.array(userResource, { maxLength: ids.length }).map((resources) =>
  resources.map((resource, i): Item => {
    const id = ids[i] as string;
    const stored = { ...resource, id };
    return { id, tenantId: "t1", resource: stored, normalized: normalizeResource(User, stored) };
  }),
);

/**
 * The ids the store's query returns. `where` is AND-safe, so no parentheses: each level would
 * multiply the emulator's parse time.
 */
function queryIds(
  sql: { where: string; parameters: { name: string; value: ScimValue }[] },
  all: Item[],
  semantics: Semantics,
) {
  const parameters = [...sql.parameters, { name: "@tenant", value: "t1" }];
  return runCosmosQuery(
    `SELECT * FROM c WHERE c.tenantId = @tenant AND ${sql.where}`,
    all,
    parameters,
    semantics,
  )
    .map((item) => item.id)
    .sort();
}

/** Parenthesis depth: the emulator's parser (pegjs, no memoisation) is exponential in it. */
function parenDepth(sql: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of sql) {
    if (ch === "(") max = Math.max(max, ++depth);
    else if (ch === ")") depth -= 1;
  }
  return max;
}

describe("the engine shim", () => {
  test("models real Cosmos: comparing different JSON types is undefined, so NOT of it is not true", () => {
    const all = [{ id: "1", a: 5 }];
    const sql = 'SELECT * FROM c WHERE NOT (c.a = "x")';
    expect(runCosmosQuery(sql, all, [], "emulator")).toHaveLength(1);
    expect(runCosmosQuery(sql, all, [], "cosmos")).toHaveLength(0);
  });
});

describe.each<Semantics>(["emulator", "cosmos"])(
  "compiled SQL and the in-memory evaluator agree (@zeit/cosmosdb-query, %s semantics)",
  (semantics) => {
    test("on random Users and random filters", () => {
      fc.assert(
        fc.property(items, userFilter(3), (tenantItems, filter) => {
          const bound = bindFilter(filter, User);
          const sql = compileFilter(bound);
          // Depth 4 already costs the emulator 0.1-1.5 s per query. Deeper trees are the same
          // constructs composed, and the compiler pushes NOT down so its output stays flat.
          fc.pre(parenDepth(sql.where) <= 3);
          // Another tenant's copy of an item: a top-level OR in `where` must not let it through.
          const stranger = tenantItems[0] && { ...tenantItems[0], id: "stranger", tenantId: "t2" };
          const expected = tenantItems
            .filter((item) => evaluateFilter(bound, item))
            .map((item) => item.id)
            .sort();
          expect(queryIds(sql, stranger ? [...tenantItems, stranger] : tenantItems, semantics)).toEqual(
            expected,
          );
        }),
        { numRuns: 100 },
      );
    });

    test("Entra's filters", () => {
      const sample = fc
        .sample(items, { numRuns: 40, seed: 7 })
        .flatMap((batch, i) => batch.map((item) => ({ ...item, id: `${item.id}-${i}` })));
      const texts = [
        'userName eq "aB"',
        'externalId eq "aB"',
        'emails[type eq "work"].value eq "a"',
        'id eq "u0-1" and manager eq "A"',
        'displayName eq "b"',
        'active eq "False"',
      ];
      for (const text of texts) {
        const bound = bindFilter(parseFilter(text), User);
        const expected = sample.filter((item) => evaluateFilter(bound, item)).map((item) => item.id);
        expect(queryIds(compileFilter(bound), sample, semantics), text).toEqual(expected.sort());
      }
    });
  },
);

describe("filters follow each attribute's caseExact against the resource as the client sent it", () => {
  const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
  const emailValues = (r: ScimObject) =>
    Array.isArray(r.emails)
      ? r.emails.map((e) => (e && typeof e === "object" && !Array.isArray(e) ? e.value : undefined))
      : [];
  const cases: [string, (r: ScimObject, s: string) => boolean][] = [
    ["userName eq", (r, s) => lower(r.userName) === s.toLowerCase()],
    ["externalId eq", (r, s) => r.externalId === s],
    [
      "emails.value co",
      (r, s) =>
        emailValues(r).some((v) => typeof v === "string" && v.toLowerCase().includes(s.toLowerCase())),
    ],
    [
      "name.familyName sw",
      (r, s) => {
        const name = r.name;
        const family = name && typeof name === "object" && !Array.isArray(name) ? name.familyName : undefined;
        return typeof family === "string" && family.toLowerCase().startsWith(s.toLowerCase());
      },
    ],
  ];

  test.each(cases)("%s", (prefix, oracle) => {
    fc.assert(
      fc.property(items, text, (tenantItems, s) => {
        const filter = `${prefix} ${JSON.stringify(s)}`;
        const expected = tenantItems
          .filter((item) => oracle(item.resource, s))
          .map((item) => item.id)
          .sort();
        const bound = bindFilter(parseFilter(filter), User);
        expect(
          tenantItems
            .filter((item) => evaluateFilter(bound, item))
            .map((item) => item.id)
            .sort(),
        ).toEqual(expected);
        expect(queryIds(filterToSql(filter, User), tenantItems, "cosmos")).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
