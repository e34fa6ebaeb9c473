import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ComparisonOperator, ComparisonValue, Filter } from "../../../shared/filter/ast.js";
import { bindFilter } from "../../../shared/filter/bind-filter.js";
import { compileFilter } from "../../../shared/filter/compile-filter.js";
import { evaluateFilter } from "../../../shared/filter/evaluate-filter.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import { attribute } from "../../../shared/schema/attribute.js";
import { normalizeResource } from "../../../shared/schema/normalize-resource.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import type { ScimObject, ScimValue } from "../../../shared/schema/scim-json.js";
import { ids, text, tree, userFilter, userResource } from "./filter-arbitraries.js";
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

/**
 * The types the User generator above has no attribute of, in a custom extension: integer, decimal,
 * binary, reference, a caseExact string, multi-valued simple attributes (the element itself is the
 * value: `EXISTS(... WHERE e > @p)`), a singular complex one; dateTimes with offsets. The extension
 * object itself may be absent, so every path may be undefined at its first step.
 */
describe("custom extension types: compiled SQL and the evaluator agree", () => {
  const EXT = "urn:ietf:params:scim:schemas:extension:Types:2.0:User";
  const { User: Typed } = buildResourceTypes({
    User: [
      {
        id: EXT,
        name: "Types",
        description: "",
        attributes: [
          attribute("at", "dateTime"),
          attribute("count", "integer"),
          attribute("score", "decimal"),
          attribute("blob", "binary"),
          attribute("link", "reference"),
          attribute("code", "string", { caseExact: true }),
          attribute("tags", "string", { multiValued: true }),
          attribute("nums", "integer", { multiValued: true }),
          attribute("flags", "boolean", { multiValued: true }),
          attribute("days", "dateTime", { multiValued: true }),
          attribute("card", "complex", {
            subAttributes: [attribute("num", "integer"), attribute("label", "string")],
          }),
        ],
      },
    ],
  });
  const dates = ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00", "2023-12-31T23:59:59.999Z"];
  const extension = fc.record(
    {
      at: fc.constantFrom(...dates),
      count: fc.integer({ min: -2, max: 2 }),
      score: fc.constantFrom(-1.5, 0, 0.5),
      blob: fc.constantFrom("YWJj", "YWJk"),
      link: text,
      code: text,
      tags: fc.array(fc.oneof(text, fc.constant("")), { maxLength: 3 }),
      nums: fc.array(fc.integer({ min: -1, max: 2 }), { maxLength: 3 }),
      flags: fc.array(fc.boolean(), { maxLength: 2 }),
      days: fc.array(fc.constantFrom(...dates), { maxLength: 2 }),
      card: fc.record({ num: fc.integer({ min: 0, max: 2 }), label: text }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const typedItems = fc.array(fc.option(extension, { nil: undefined }), { maxLength: 6 }).map((all) =>
    all.map((ext, i): Item => {
      const id = ids[i] as string;
      const resource = { userName: id, ...(ext ? { [EXT]: ext } : {}) };
      return { id, tenantId: "t1", resource, normalized: normalizeResource(Typed, resource) };
    }),
  );
  const ALL: ComparisonOperator[] = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];
  const ORDERING: ComparisonOperator[] = ["eq", "ne", "gt", "ge", "lt", "le"];
  const EQUALITY: ComparisonOperator[] = ["eq", "ne"];
  const orNull = <T extends ComparisonValue>(a: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 5, arbitrary: a }, fc.constant(null));
  const specs: [string, ComparisonOperator[], fc.Arbitrary<ComparisonValue>][] = [
    ["at", ORDERING, orNull(fc.constantFrom(...dates, "2024-01-01", "2024-01-01T00:00:00.0001Z"))],
    ["count", ORDERING, orNull(fc.constantFrom(-1, 0, 1.5, 2))],
    ["score", ORDERING, orNull(fc.constantFrom(-1.5, 0, 0.5))],
    ["blob", EQUALITY, orNull(fc.constantFrom("YWJj", "YWJk"))],
    ["link", ALL, orNull(text)],
    ["code", ALL, orNull(text)],
    ["tags", ALL, orNull(text)],
    ["nums", ORDERING, orNull(fc.constantFrom(-1, 0, 1))],
    ["flags", EQUALITY, orNull(fc.constantFrom<ComparisonValue>(true, false, "True"))],
    ["days", ORDERING, orNull(fc.constantFrom(...dates))],
    ["card.num", ORDERING, orNull(fc.constantFrom(0, 1))],
    ["card.label", ALL, orNull(text)],
  ];
  const at = (p: string) => {
    const [name = "", sub] = p.split(".");
    return { uri: EXT, attribute: name, ...(sub ? { sub } : {}) };
  };
  const leaf: fc.Arbitrary<Filter> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(...specs)
        .chain(([p, ops, value]) => fc.tuple(fc.constant(p), fc.constantFrom(...ops), value))
        .map(
          ([p, op, value]): Filter => ({
            kind: "comparison",
            // Only eq and ne compare with null.
            op: value === null && op !== "eq" ? "ne" : op,
            path: at(p),
            value,
            position: 1,
          }),
        ),
    },
    fc
      .constantFrom(...specs.map(([p]) => p), "card")
      .map((p): Filter => ({ kind: "present", path: at(p), position: 1 })),
  );

  test.each<Semantics>(["emulator", "cosmos"])("on random Users and filters (%s semantics)", (semantics) => {
    fc.assert(
      fc.property(typedItems, tree(leaf, 2), (all, filter) => {
        const bound = bindFilter(filter, Typed);
        const sql = compileFilter(bound);
        fc.pre(parenDepth(sql.where) <= 3);
        const expected = all
          .filter((item) => evaluateFilter(bound, item))
          .map((item) => item.id)
          .sort();
        expect(queryIds(sql, all, semantics)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
