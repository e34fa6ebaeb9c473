import type { ComparisonOperator } from "./ast.js";

/** The JSON type a stored value must have for a test on it to hold. */
export type ValueType = "string" | "number" | "boolean";

/**
 * Where a tested value lives in a stored document: its `id`; a path of canonical keys under the
 * comparison copy `normalized`; or, inside `any`, a path under the current array element (no keys: the
 * element itself, for multi-valued simple attributes).
 */
export type ValueLocation =
  | { scope: "id" }
  | { scope: "document"; keys: readonly string[] }
  | { scope: "element"; keys: readonly string[] };

/** A comparison whose value is already in stored form (lower-cased if caseExact=false, ISO dates). */
export interface BoundComparison {
  kind: "compare";
  op: ComparisonOperator;
  location: ValueLocation;
  /** The JSON type of `value`, which the stored value must share. */
  type: ValueType;
  value: string | number | boolean;
}

/**
 * A value is present: of `type`, and non-empty if a string (RFC 7644 §3.4.2.2 `pr`). `object` is
 * only used for a whole schema extension, which `schemas` lists when the resource carries it.
 */
export interface BoundPresence {
  kind: "present";
  location: ValueLocation;
  type: ValueType | "object";
}

export interface BoundLogical {
  kind: "and" | "or";
  left: BoundFilter;
  right: BoundFilter;
}

export interface BoundNegation {
  kind: "not";
  filter: BoundFilter;
}

/** Some element of the array at `n[...keys]` satisfies `filter` (whose locations are element-scoped). */
export interface BoundAny {
  kind: "any";
  keys: readonly string[];
  filter: BoundFilter;
}

/**
 * A test on an attribute kept outside the resource document (User `groups`, Group `members`): the
 * caller decides how to query it. `filter` is bound as if the attribute were stored in `normalized`.
 */
export interface ExternalFilter {
  kind: "external";
  attribute: string;
  filter: BoundFilter;
}

/** A test whose answer the binding already knows (an attribute the resource type does not have). */
export interface BoundConstant {
  kind: "constant";
  value: boolean;
}

/** A filter checked against a resource type: only schema paths, typed values, total semantics. */
export type BoundFilter =
  | BoundConstant
  | BoundComparison
  | BoundPresence
  | BoundLogical
  | BoundNegation
  | BoundAny
  | ExternalFilter;
