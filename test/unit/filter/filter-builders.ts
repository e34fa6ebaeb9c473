import type {
  AttributePath,
  Comparison,
  ComparisonOperator,
  ComparisonValue,
  Filter,
  Presence,
} from "../../../shared/filter/ast.js";
import { bindFilter } from "../../../shared/filter/bind-filter.js";
import { type CompileOptions, compileFilter, type SqlFilter } from "../../../shared/filter/compile-filter.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import type { ResourceType } from "../../../shared/schema/resource-type.js";

/** Test helpers that write expected ASTs compactly. Positions are left out; see `withoutPositions`. */

export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** `"name.familyName"` -> `{ attribute: "name", sub: "familyName" }`; URN paths take an explicit uri. */
export function path(text: string, uri?: string): AttributePath {
  const [attribute = "", sub] = text.split(".");
  return { ...(uri !== undefined ? { uri } : {}), attribute, ...(sub !== undefined ? { sub } : {}) };
}

export const cmp = (p: string | AttributePath, op: ComparisonOperator, value: ComparisonValue) =>
  ({ kind: "comparison", op, path: typeof p === "string" ? path(p) : p, value }) as Omit<
    Comparison,
    "position"
  >;

export const pr = (p: string | AttributePath) =>
  ({ kind: "present", path: typeof p === "string" ? path(p) : p }) as Omit<Presence, "position">;

type Loose = Record<string, unknown>;

export const and = (left: Loose, right: Loose) => ({ kind: "and", left, right });
export const or = (left: Loose, right: Loose) => ({ kind: "or", left, right });
export const not = (filter: Loose) => ({ kind: "not", filter });
export const valuePath = (p: string, filter: Loose, test?: Loose) => ({
  kind: "valuePath",
  path: path(p),
  filter,
  ...(test ? { test } : {}),
});

/** Drops every `position` so that ASTs compare by shape. */
export function withoutPositions(filter: Filter): unknown {
  return JSON.parse(
    JSON.stringify(filter, (key, value: unknown) => (key === "position" ? undefined : value)),
  );
}

/** Parse, bind and compile in one call: what runQuery does for a filter without member tests. */
export function filterToSql(
  text: string,
  resourceType: ResourceType,
  options: CompileOptions = {},
): SqlFilter {
  return compileFilter(bindFilter(parseFilter(text), resourceType), options);
}
