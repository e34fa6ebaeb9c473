import type { ScimValue } from "../schema/scim-json.js";
import type { ComparisonOperator } from "./ast.js";
import type { BoundFilter, ExternalFilter, ValueLocation, ValueType } from "./bound-filter.js";
import { invalidFilter } from "./invalid-filter.js";

/** A WHERE expression over alias `c` plus its parameters, for `... WHERE c.tenantId = @tenant AND (<where>)`. */
export interface SqlFilter {
  where: string;
  parameters: { name: string; value: ScimValue }[];
}

/**
 * Turns a test on an external attribute (User `groups`, Group `members`) into a SQL boolean
 * expression over `c`, e.g. `ARRAY_CONTAINS(${addParameter(ids)}, c.id)` with ids the caller found
 * beforehand. The expression must be true or false for every item, never undefined, because it may
 * sit under NOT. Return undefined to refuse the filter (it then fails with invalidFilter).
 */
export type ResolveExternal = (
  filter: ExternalFilter,
  addParameter: (value: ScimValue) => string,
) => string | undefined;

export interface CompileOptions {
  resolveExternal?: ResolveExternal;
}

const TYPE_CHECK: Readonly<Record<ValueType, string>> = {
  string: "IS_STRING",
  number: "IS_NUMBER",
  boolean: "IS_BOOL",
};
const TEST: Readonly<Record<Exclude<ComparisonOperator, "ne">, (x: string, p: string) => string>> = {
  eq: (x, p) => `${x} = ${p}`,
  gt: (x, p) => `${x} > ${p}`,
  ge: (x, p) => `${x} >= ${p}`,
  lt: (x, p) => `${x} < ${p}`,
  le: (x, p) => `${x} <= ${p}`,
  co: (x, p) => `CONTAINS(${x}, ${p})`,
  sw: (x, p) => `STARTSWITH(${x}, ${p})`,
  ew: (x, p) => `ENDSWITH(${x}, ${p})`,
};
/** The alias of array elements inside EXISTS; multi-valued attributes never nest, so one suffices. */
const ELEMENT = "e";

// Names come from the schema allow-list only; JSON quoting is also a valid Cosmos string literal.
const member = (root: string, keys: readonly string[]) =>
  root + keys.map((key) => `[${JSON.stringify(key)}]`).join("");

function access(location: ValueLocation): string {
  if (location.scope === "id") return "c.id";
  return member(location.scope === "document" ? "c.n" : ELEMENT, location.keys);
}

function operands(filter: BoundFilter, kind: "and" | "or"): BoundFilter[] {
  return filter.kind === kind ? [...operands(filter.left, kind), ...operands(filter.right, kind)] : [filter];
}

/**
 * Compiles a bound filter to a parameterized Cosmos DB NoSQL WHERE expression over alias `c`
 * (RFC 7644 §3.4.2.2 semantics; see {@link evaluateFilter} for the same semantics in memory).
 * Values are always parameters `@p0, @p1, ...`; property names come from the schema only.
 *
 * Cosmos uses three-valued logic: a comparison with a missing or differently typed value is
 * undefined, not false, and NOT undefined is undefined. Outside any NOT an undefined test is as good
 * as false (the item is not returned), so plain `x = @p` is emitted there and Entra's equality
 * filters stay simple indexed lookups. Under NOT every test is guarded by a type check (`IS_STRING(x)
 * AND x = @p`) so that it is always true or false. EXISTS is always boolean, so its WHERE is plain.
 */
export function compileFilter(filter: BoundFilter, options: CompileOptions = {}): SqlFilter {
  const parameters: SqlFilter["parameters"] = [];
  const addParameter = (value: ScimValue) => {
    const name = `@p${parameters.length}`;
    parameters.push({ name, value });
    return name;
  };

  const compile = (node: BoundFilter, strict: boolean): string => {
    switch (node.kind) {
      case "compare": {
        const x = access(node.location);
        const check = `${TYPE_CHECK[node.type]}(${x})`;
        const p = addParameter(node.value);
        // `ne` also matches items without the attribute (RFC 7644: the complement of `eq`).
        if (node.op === "ne") return `(NOT ${check} OR ${x} != ${p})`;
        const test = TEST[node.op](x, p);
        return strict ? `(${check} AND ${test})` : test;
      }
      case "present": {
        const x = access(node.location);
        // An empty string is not a value (RFC 7644 §3.4.2.2 `pr`: "non-empty").
        return node.type === "string"
          ? `(IS_STRING(${x}) AND LENGTH(${x}) > 0)`
          : `${TYPE_CHECK[node.type]}(${x})`;
      }
      case "and":
      case "or": {
        const other = node.kind === "and" ? "or" : "and";
        return operands(node, node.kind)
          .map((operand) =>
            operand.kind === other ? `(${compile(operand, strict)})` : compile(operand, strict),
          )
          .join(node.kind === "and" ? " AND " : " OR ");
      }
      case "not":
        return `NOT (${compile(node.filter, true)})`;
      case "any":
        return `EXISTS(SELECT VALUE ${ELEMENT} FROM ${ELEMENT} IN ${member("c.n", node.keys)} WHERE ${compile(node.filter, false)})`;
      case "external": {
        const sql = options.resolveExternal?.(node, addParameter);
        if (sql === undefined) throw invalidFilter(`Filtering on "${node.attribute}" is not supported`);
        return `(${sql})`;
      }
    }
  };

  return { where: compile(filter, false), parameters };
}
