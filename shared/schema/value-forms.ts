import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "./attribute.js";
import { findAttribute } from "./resolve-path.js";
import type { ScimObject } from "./scim-json.js";

/**
 * The forms of a value that mean something other than what they literally say, shared by PATCH and
 * by POST/PUT bodies so that both read them alike.
 */

/** Whether a complex attribute is identified by its `value` sub-attribute (a manager, an email). */
export const hasValueSub = (attribute: Attribute) =>
  findAttribute(attribute.subAttributes, "value") !== undefined;

/**
 * A complex value that carries nothing: no `value` where the attribute has one (a manager or an
 * email without its id/address), or only labels (type/primary/display) otherwise. Such values are
 * dropped, which is how Entra's "replace manager with an empty value" clears the manager.
 */
export function isHollow(attribute: Attribute, value: ScimObject): boolean {
  if (hasValueSub(attribute)) return value.value === undefined || value.value === null || value.value === "";
  return Object.keys(value).every((key) => key === "type" || key === "primary" || key === "display");
}

/** A singular attribute given as an array (Entra's `manager: [{"value": ...}]`): its one element, or null for none. */
export function singleValue(value: unknown, where: string): unknown {
  if (!Array.isArray(value)) return value;
  if (value.length > 1) {
    throw new ScimError(
      "invalidValue",
      `Attribute '${where}' is single-valued; found ${value.length} values.`,
    );
  }
  return value.length === 0 ? null : value[0];
}
