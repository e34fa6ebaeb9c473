import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ComparisonOperator, ComparisonValue, Filter } from "../../../shared/filter/ast.js";
import { bindFilter } from "../../../shared/filter/bind-filter.js";
import { compileFilter } from "../../../shared/filter/compile-filter.js";
import { evaluateFilter } from "../../../shared/filter/evaluate-filter.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import { bindValueFilter } from "../../../shared/patch/bind-value-filter.js";
import { parsePatchPath } from "../../../shared/patch/parse-patch-path.js";
import { attribute } from "../../../shared/schema/attribute.js";
import { normalizeResource } from "../../../shared/schema/normalize-resource.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import type { Schema } from "../../../shared/schema/schema.js";
import type { ScimObject } from "../../../shared/schema/scim-json.js";
import { text, tree } from "../filter/filter-arbitraries.js";
import { runCosmosQuery } from "../filter/run-cosmos-query.js";

/**
 * A PATCH path's value filter (`bindValueFilter`, RFC 7644 §3.5.2) and a query's value path
 * (`bindFilter` + `evaluateFilter` + the compiled SQL, RFC 7644 §3.4.2.2) must pick the same
 * elements: `remove events[...]` takes exactly the elements that `filter=events[...]` would find.
 * A custom extension gives every simple type a sub-attribute.
 */
const EXT = "urn:ietf:params:scim:schemas:extension:Agreement:2.0:User";
const events = attribute("events", "complex", {
  multiValued: true,
  subAttributes: [
    attribute("at", "dateTime"),
    attribute("kind", "string"),
    attribute("code", "string", { caseExact: true }),
    attribute("count", "integer"),
    attribute("score", "decimal"),
    attribute("flag", "boolean"),
    attribute("blob", "binary"),
    attribute("link", "reference"),
  ],
});
const schema: Schema = { id: EXT, name: "Agreement", description: "", attributes: [events] };
const { User } = buildResourceTypes({ User: [schema] });

const ALL: ComparisonOperator[] = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];
const ORDERING: ComparisonOperator[] = ["eq", "ne", "gt", "ge", "lt", "le"];
const EQUALITY: ComparisonOperator[] = ["eq", "ne"];

const storedDates = [
  "2024-01-01T00:00:00Z",
  "2024-01-01T00:00:00.000Z",
  "2024-01-01T01:00:00+01:00",
  "2023-12-31T23:59:59.999Z",
  "2024-01-01T00:00:00.5Z",
];
// Literals may be finer than the millisecond instants kept, or a bare date.
const literalDates = [
  ...storedDates,
  "2024-01-01T00:00:00.0001Z",
  "2024-01-01T00:00:00.0000Z",
  "2023-12-31T23:59:59.9995Z",
  "2024-01-01",
];
const blobs = ["YWJj", "YWJk", "QUJD"];

const element: fc.Arbitrary<ScimObject> = fc
  .record(
    {
      at: fc.constantFrom(...storedDates),
      kind: text,
      code: text,
      count: fc.integer({ min: -2, max: 2 }),
      score: fc.constantFrom(-1.5, 0, 0.5, 1),
      flag: fc.boolean(),
      blob: fc.constantFrom(...blobs),
      link: text,
    },
    { requiredKeys: [] },
  )
  // An element with no value at all is not stored (RFC 7643 §2.4: a value is what makes an element).
  .filter((e) => Object.keys(e).length > 0);

const withNull = <T extends ComparisonValue>(values: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: values }, fc.constant(null));

const specs: { name: string; ops: ComparisonOperator[]; value: fc.Arbitrary<ComparisonValue> }[] = [
  { name: "at", ops: ORDERING, value: withNull(fc.constantFrom(...literalDates)) },
  { name: "kind", ops: ALL, value: withNull(text) },
  { name: "code", ops: ALL, value: withNull(text) },
  { name: "count", ops: ORDERING, value: withNull(fc.constantFrom(-1, 0, 1, 1.5, 2)) },
  { name: "score", ops: ORDERING, value: withNull(fc.constantFrom(-1.5, 0, 0.5, 1)) },
  {
    name: "flag",
    ops: EQUALITY,
    value: withNull(fc.constantFrom<ComparisonValue>(true, false, "True", "false")),
  },
  { name: "blob", ops: EQUALITY, value: withNull(fc.constantFrom(...blobs)) },
  { name: "link", ops: ALL, value: withNull(text) },
];

const leaf: fc.Arbitrary<Filter> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...specs)
      .chain((spec) => fc.tuple(fc.constant(spec.name), fc.constantFrom(...spec.ops), spec.value))
      .map(
        ([name, op, value]): Filter => ({
          kind: "comparison",
          // Only eq and ne compare with null.
          op: value === null && op !== "eq" ? "ne" : op,
          path: { attribute: name },
          value,
          position: 1,
        }),
      ),
  },
  fc
    .constantFrom(...specs)
    .map((spec): Filter => ({ kind: "present", path: { attribute: spec.name }, position: 1 })),
);

/** Whether a query on `filter=<EXT>:events[filter]` finds a user whose only element is `e`: evaluator and SQL. */
function queryFinds(filter: Filter, e: ScimObject) {
  const bound = bindFilter(
    { kind: "valuePath", path: { uri: EXT, attribute: "events" }, filter, position: 1 },
    User,
  );
  const resource = { userName: "u", [EXT]: { events: [e] } };
  const document = { id: "u", tenantId: "t", normalized: normalizeResource(User, resource) };
  const sql = compileFilter(bound);
  const found = runCosmosQuery(`SELECT * FROM c WHERE ${sql.where}`, [document], sql.parameters, "cosmos");
  return { evaluated: evaluateFilter(bound, document), sql: found.length === 1 };
}

describe("a PATCH value filter picks the elements a query's value path finds", () => {
  it("on random elements of every simple type and random filters", () => {
    fc.assert(
      fc.property(tree(leaf, 2), element, (filter, e) => {
        const patch = bindValueFilter(filter, events, EXT, "events").matches(e);
        expect(queryFinds(filter, e)).toEqual({ evaluated: patch, sql: patch });
      }),
      { numRuns: 300 },
    );
  });

  it("a dateTime literal finer than a millisecond is not rounded onto a stored instant (RFC 7643 §2.3.5)", () => {
    const e = { at: "2024-01-01T00:00:00Z" };
    for (const [op, expected] of [
      ["eq", false],
      ["ne", true],
      ["ge", false],
      ["gt", false],
      ["le", true],
      ["lt", true],
    ] as const) {
      const filter: Filter = {
        kind: "comparison",
        op,
        path: { attribute: "at" },
        value: "2024-01-01T00:00:00.0001Z",
        position: 1,
      };
      expect(bindValueFilter(filter, events, EXT, "events").matches(e), op).toBe(expected);
      expect(queryFinds(filter, e), op).toEqual({ evaluated: expected, sql: expected });
    }
  });
});

describe("Entra's JSON-string app role in a value filter", () => {
  const role = '{\\"id\\":\\"r1\\",\\"value\\":\\"25\\",\\"displayName\\":\\"Reader\\"}';
  it("compares as the role it describes, which is how roles are stored, in a PATCH path as in a query", () => {
    const stored = { userName: "u", roles: [{ value: "25", display: "Reader" }] };
    const document = { id: "u", normalized: normalizeResource(User, stored) };
    const path = `roles[value eq "${role}"]`;
    expect(evaluateFilter(bindFilter(parseFilter(path), User), document)).toBe(true);
    expect(parsePatchPath(path, User).filter?.matches({ value: "25" })).toBe(true);
    expect(parsePatchPath(path, User).filter?.matches({ value: "26" })).toBe(false);
  });
});

describe("the names inside the brackets", () => {
  const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";
  const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
  const refused = (run: () => unknown) => {
    try {
      run();
      return false;
    } catch {
      return true;
    }
  };
  it.each([
    'emails[type eq "work"]',
    'emails[emails.type eq "work"]',
    `emails[${CORE}:type eq "work"]`,
    `emails[${CORE.toUpperCase()}:emails.TYPE eq "work"]`,
    `emails[${ENTERPRISE}:type eq "work"]`,
    `emails[${EXT}:type eq "work"]`,
    'emails[name.type eq "work"]',
    'emails[nosuch eq "work"]',
    `manager[${ENTERPRISE}:value eq "m"]`,
    `manager[${CORE}:value eq "m"]`,
  ])("are taken or refused alike by a PATCH path and a query: %s", (path) => {
    const patch = refused(() => parsePatchPath(path, User));
    expect(refused(() => bindFilter(parseFilter(path), User))).toBe(patch);
  });
});
