import type { ComparisonOperator } from "../schema/compare-values.js";

export type { ComparisonOperator };

/** A `compValue` (RFC 7644 §3.4.2.2): a JSON string, number, `true`, `false` or `null`. */
export type ComparisonValue = string | number | boolean | null;

/**
 * An attribute path as the client wrote it: `[uri ":"] attribute ["." sub]` (RFC 7644 §3.10).
 * Names are not yet checked against any schema.
 */
export interface AttributePath {
  uri?: string;
  attribute: string;
  sub?: string;
}

/** `path op value`. `position` is the 1-based offset of the path in the filter text. */
export interface Comparison {
  kind: "comparison";
  op: ComparisonOperator;
  path: AttributePath;
  value: ComparisonValue;
  position: number;
}

/** `path pr`. */
export interface Presence {
  kind: "present";
  path: AttributePath;
  position: number;
}

export interface Logical {
  kind: "and" | "or";
  left: Filter;
  right: Filter;
}

export interface Negation {
  kind: "not";
  filter: Filter;
}

/**
 * `path[filter]`, optionally followed by `.sub op value` or `.sub pr`. The trailing test is not in
 * the RFC 7644 ABNF but Entra sends it (`emails[type eq "work"].value eq "x"`): it means "some
 * element matches the bracket filter and its sub-attribute passes the test". Inside the brackets and
 * in `test`, paths name sub-attributes of `path` (`test.path.attribute` is the sub-attribute).
 */
export interface ValuePath {
  kind: "valuePath";
  path: AttributePath;
  filter: Filter;
  test?: Comparison | Presence;
  position: number;
}

/** A parsed SCIM filter (RFC 7644 §3.4.2.2), before schema binding. */
export type Filter = Comparison | Presence | Logical | Negation | ValuePath;
