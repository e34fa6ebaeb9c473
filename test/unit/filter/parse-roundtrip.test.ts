import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ScimError } from "../../../shared/errors/scim-error.js";
import type { AttributePath, Filter } from "../../../shared/filter/ast.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { tree, userFilter } from "./filter-arbitraries.js";
import { filterToSql, withoutPositions } from "./filter-builders.js";

const printPath = (path: AttributePath) =>
  `${path.uri !== undefined ? `${path.uri}:` : ""}${path.attribute}${path.sub !== undefined ? `.${path.sub}` : ""}`;

/** Prints a filter with maximal parentheses and random keyword case; parsing must give the same tree back. */
function print(filter: Filter, upper: boolean): string {
  const kw = (word: string) => (upper ? word.toUpperCase() : word);
  switch (filter.kind) {
    case "comparison":
      return `${printPath(filter.path)} ${kw(filter.op)} ${JSON.stringify(filter.value)}`;
    case "present":
      return `${printPath(filter.path)} ${kw("pr")}`;
    case "and":
    case "or":
      return `(${print(filter.left, upper)}) ${kw(filter.kind)} (${print(filter.right, upper)})`;
    case "not":
      return `${kw("not")} (${print(filter.filter, upper)})`;
    case "valuePath":
      return `${printPath(filter.path)}[${print(filter.filter, upper)}]${filter.test ? `.${print(filter.test, upper)}` : ""}`;
  }
}

/** Swaps every comparison value for an arbitrary JSON scalar: the parser does not look at types. */
function replaceValues(
  filter: Filter,
  value: fc.Arbitrary<string | number | boolean | null>,
): fc.Arbitrary<Filter> {
  switch (filter.kind) {
    case "comparison":
      return value.map((v) => ({ ...filter, value: v }));
    case "present":
      return fc.constant(filter);
    case "and":
    case "or":
      return fc
        .tuple(replaceValues(filter.left, value), replaceValues(filter.right, value))
        .map(([left, right]) => ({ ...filter, left, right }));
    case "not":
      return replaceValues(filter.filter, value).map((inner) => ({ ...filter, filter: inner }));
    case "valuePath": {
      const { test: trailing, ...rest } = filter;
      const test =
        trailing?.kind === "comparison"
          ? value.map((v) => ({ ...trailing, value: v }))
          : fc.constant(trailing);
      return fc
        .tuple(replaceValues(filter.filter, value), test)
        .map(([inner, t]) => ({ ...rest, filter: inner, ...(t ? { test: t } : {}) }));
    }
  }
}

describe("parseFilter round trip", () => {
  test("parse(print(ast)) is ast, for any JSON string or number values; half a surrogate pair is refused", () => {
    // JSON's escapes and control characters are rare among all code points: weight them in.
    const special = fc.constantFrom(
      '"',
      "\\",
      "/",
      "\b",
      "\f",
      "\n",
      "\r",
      "\t",
      "\u0000",
      "\u001f",
      "\ud800",
      "\udc00",
      "\ud83d\ude00",
      "é",
    );
    const anyValue = fc.oneof(
      fc.string({ unit: fc.oneof(special, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })) }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
      fc.integer(),
      fc.constantFrom(true, false, null),
    );
    const filters = userFilter(4).chain((filter) => replaceValues(filter, anyValue));
    fc.assert(
      fc.property(filters, fc.boolean(), (filter, upper) => {
        let lone = false;
        JSON.stringify(filter, (_key, value) => {
          if (typeof value === "string" && /[\uD800-\uDFFF]/u.test(value)) lone = true;
          return value;
        });
        if (lone) expect(() => parseFilter(print(filter, upper))).toThrow("unpaired surrogate");
        else expect(withoutPositions(parseFilter(print(filter, upper)))).toEqual(withoutPositions(filter));
      }),
      { numRuns: 300 },
    );
  });

  test("deeper and/or/not trees round trip", () => {
    const leaf = fc.constant<Filter>({ kind: "present", path: { attribute: "title" }, position: 1 });
    fc.assert(
      fc.property(tree(leaf, 6), (filter) => {
        expect(withoutPositions(parseFilter(print(filter, false)))).toEqual(withoutPositions(filter));
      }),
    );
  });
});

describe("robustness", () => {
  const words = fc.constantFrom(
    ...[
      "userName",
      "emails",
      "groups",
      "name.familyName",
      "meta.created",
      "active",
      "manager",
      "password",
      "foo",
    ],
    ...[`${"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}:manager.value`, ".value", ".x"],
    ...["[", "]", "(", ")", "eq", "ne", "co", "gt", "pr", "and", "or", "not", "AND", "Not"],
    ...['"x"', '"True"', '"2024-01-01"', '"', "\\", "1", "-1.5e3", "01", "true", "null", "=", "'"],
  );
  const soup = fc.oneof(
    fc
      .array(fc.tuple(words, fc.constantFrom(" ", "")), { maxLength: 14 })
      .map((parts) => parts.flat().join("")),
    fc.string({ unit: "binary", maxLength: 40 }),
  );

  test("any input compiles or fails with invalidFilter, nothing else", () => {
    const { User } = buildResourceTypes();
    fc.assert(
      fc.property(soup, (text) => {
        try {
          filterToSql(text, User);
        } catch (error) {
          expect(error instanceof ScimError && error.code === "invalidFilter", String(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
