import type { Attribute } from "../schema/attribute.js";
import type { ScimValue } from "../schema/scim-json.js";
import type { ValueFilter } from "./bind-value-filter.js";
import type { MemberChange } from "./member-changes.js";

/** The attribute one action changes, optionally narrowed to filtered elements and/or a sub-attribute. */
export interface PatchTarget {
  /** The path (or path-less key) as the client wrote it, for error details. */
  path: string;
  attribute: Attribute;
  /** The extension URN the attribute is nested under in the resource; undefined for core attributes. */
  container: string | undefined;
  filter: ValueFilter | undefined;
  subAttribute: Attribute | undefined;
}

/**
 * One validated change, the unit between "check every operation" and "apply them all". Values are
 * already validated and canonical. `set` values: the whole array for a multi-valued attribute
 * without filter or sub-attribute, the sub-attribute's value when there is one, otherwise one
 * (possibly partial) element.
 */
export type PatchAction =
  | { kind: "set"; mode: "add" | "replace"; target: PatchTarget; value: ScimValue }
  | { kind: "unset"; target: PatchTarget }
  | { kind: "removeValues"; target: PatchTarget; values: readonly ScimValue[] }
  | { kind: "external"; attribute: string; change: MemberChange };
