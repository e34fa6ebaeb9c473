import type { ScimValue } from "../schema/scim-json.js";
import type { ComparisonOperator } from "./ast.js";
import type { BoundFilter, ExternalFilter, ValueLocation, ValueType } from "./bound-filter.js";
import { invalidFilter } from "./invalid-filter.js";

/** A WHERE expression over alias `c` plus its parameters, for `... WHERE c.tenantId = @tenant AND <where>`. */
export interface SqlFilter {
  where: string;
  parameters: { name: string; value: ScimValue }[];
}

/**
 * Turns a test on an external attribute (User `groups`, Group `members`) into a SQL boolean
 * expression over `c`, e.g. `ARRAY_CONTAINS(${addParameter(ids)}, c.id)` with ids the caller found
 * beforehand. The expression must be true or false for every item, never undefined, because it may
 * be negated. Return undefined to refuse the filter (it then fails with invalidFilter).
 */
export type ResolveExternal = (
  filter: ExternalFilter,
  addParameter: (value: ScimValue) => string,
) => string | undefined;

export interface CompileOptions {
  resolveExternal?: ResolveExternal;
}

type Operator = Exclude<ComparisonOperator, "ne">;
type Template = (x: string, p: string) => string;

const TYPE_CHECK: Readonly<Record<ValueType | "object", string>> = {
  string: "IS_STRING",
  number: "IS_NUMBER",
  boolean: "IS_BOOL",
  object: "IS_OBJECT",
};
/** Each test, and its complement for values of the right type (strings and numbers are totally ordered). */
const TEST: Readonly<Record<Operator, { holds: Template; fails: Template }>> = {
  eq: { holds: (x, p) => `${x} = ${p}`, fails: (x, p) => `${x} != ${p}` },
  gt: { holds: (x, p) => `${x} > ${p}`, fails: (x, p) => `${x} <= ${p}` },
  ge: { holds: (x, p) => `${x} >= ${p}`, fails: (x, p) => `${x} < ${p}` },
  lt: { holds: (x, p) => `${x} < ${p}`, fails: (x, p) => `${x} >= ${p}` },
  le: { holds: (x, p) => `${x} <= ${p}`, fails: (x, p) => `${x} > ${p}` },
  co: { holds: (x, p) => `CONTAINS(${x}, ${p})`, fails: (x, p) => `NOT CONTAINS(${x}, ${p})` },
  sw: { holds: (x, p) => `STARTSWITH(${x}, ${p})`, fails: (x, p) => `NOT STARTSWITH(${x}, ${p})` },
  ew: { holds: (x, p) => `ENDSWITH(${x}, ${p})`, fails: (x, p) => `NOT ENDSWITH(${x}, ${p})` },
};
/** The alias of array elements inside EXISTS; multi-valued attributes never nest, so one suffices. */
const ELEMENT = "e";

// Names come from the schema allow-list only; JSON quoting is also a valid Cosmos string literal.
const member = (root: string, keys: readonly string[]) =>
  root + keys.map((key) => `[${JSON.stringify(key)}]`).join("");

function access(location: ValueLocation): string {
  if (location.scope === "id") return "c.id";
  return member(location.scope === "document" ? "c.normalized" : ELEMENT, location.keys);
}

/** A SQL boolean expression: an atom, or an AND/OR of parts, flattened so parentheses only mark alternation. */
type Sql = string | { join: "AND" | "OR"; parts: Sql[] };

const group = (join: "AND" | "OR", parts: Sql[]): Sql => ({
  join,
  parts: parts.flatMap((part) => (typeof part !== "string" && part.join === join ? part.parts : [part])),
});

/**
 * "x lacks the type, or fails the test": always true or false, never undefined. Written as a
 * conditional rather than `(NOT IS_STRING(x) OR ...)` because the embedded emulator parses it
 * several times faster; real Cosmos treats both alike.
 */
const complement = (typeCheck: string, x: string, fails: string) => `(${typeCheck}(${x}) ? ${fails} : true)`;

function render(sql: Sql, nested: boolean): string {
  if (typeof sql === "string") return sql;
  const text = sql.parts.map((part) => render(part, true)).join(` ${sql.join} `);
  return nested ? `(${text})` : text;
}

/**
 * Compiles a bound filter to a parameterized Cosmos DB NoSQL WHERE expression over alias `c`
 * (RFC 7644 §3.4.2.2 semantics, the same as `evaluateFilter`). Values are always parameters
 * `@p0, @p1, ...`; property names come from the schema only.
 *
 * Cosmos uses three-valued logic: a comparison with a missing or differently typed value is
 * undefined, not false, and NOT undefined is undefined. So negations are pushed down to the tests
 * (De Morgan; `not` never wraps a compound expression) and a negated test is written as its total
 * complement, `(IS_STRING(x) ? x != @p : true)`. With no NOT above them, positive tests may be
 * undefined where the evaluator says false, and stay plain: `x = @p`, so that Entra's equality
 * filters are simple indexed lookups.
 *
 * `where` can be AND-ed without parentheses (a top-level OR comes parenthesized), and it is as
 * shallow as possible: the embedded emulator's parser takes time exponential in nesting depth,
 * roughly x4 per parenthesis level, so `c.tenantId = @tenant AND ${where}` is the cheapest form.
 */
export function compileFilter(filter: BoundFilter, options: CompileOptions = {}): SqlFilter {
  const parameters: SqlFilter["parameters"] = [];
  const addParameter = (value: ScimValue) => {
    const name = `@p${parameters.length}`;
    parameters.push({ name, value });
    return name;
  };

  const compile = (node: BoundFilter, negated: boolean): Sql => {
    switch (node.kind) {
      case "constant":
        return node.value !== negated ? "true" : "false";
      case "compare": {
        const x = access(node.location);
        const p = addParameter(node.value);
        // `ne` is the complement of `eq`, so it also matches items without the attribute.
        const fails = negated !== (node.op === "ne");
        const test = TEST[node.op === "ne" ? "eq" : node.op];
        return fails ? complement(TYPE_CHECK[node.type], x, test.fails(x, p)) : test.holds(x, p);
      }
      case "present": {
        const x = access(node.location);
        // An empty string is no value (RFC 7644 §3.4.2.2 `pr`: "non-empty").
        if (node.type === "string")
          return negated ? complement("IS_STRING", x, `LENGTH(${x}) = 0`) : `LENGTH(${x}) > 0`;
        return `${negated ? "NOT " : ""}${TYPE_CHECK[node.type]}(${x})`;
      }
      case "and":
      case "or":
        return group((node.kind === "and") !== negated ? "AND" : "OR", [
          compile(node.left, negated),
          compile(node.right, negated),
        ]);
      case "not":
        return compile(node.filter, !negated);
      case "any": {
        const where = render(compile(node.filter, false), false);
        const array = member("c.normalized", node.keys);
        return `${negated ? "NOT " : ""}EXISTS(SELECT VALUE ${ELEMENT} FROM ${ELEMENT} IN ${array} WHERE ${where})`;
      }
      case "external": {
        const sql = options.resolveExternal?.(node, addParameter);
        if (sql === undefined) throw invalidFilter(`Filtering on "${node.attribute}" is not supported`);
        return `${negated ? "NOT " : ""}(${sql})`;
      }
    }
  };

  const where = compile(filter, false);
  return { where: render(where, typeof where !== "string" && where.join === "OR"), parameters };
}

/**
 * The tests on external attributes (User `groups`, Group `members`) in a bound filter, in the order
 * `compileFilter` meets them: a caller can look them up (asynchronously) before compiling with a
 * `resolveExternal` that uses the answers (RFC 7644 §3.4.2.2 filters on those attributes).
 */
export function findExternalFilters(filter: BoundFilter): ExternalFilter[] {
  switch (filter.kind) {
    case "external":
      return [filter];
    case "and":
    case "or":
      return [...findExternalFilters(filter.left), ...findExternalFilters(filter.right)];
    case "not":
      return findExternalFilters(filter.filter);
    default:
      return [];
  }
}
