import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "./attribute.js";
import { scimEquals } from "./compare-values.js";
import { normalizeValue } from "./normalize-resource.js";
import type { ResourceType } from "./resource-type.js";
import { isObject, type ScimObject, type ScimValue } from "./scim-json.js";

const hasValue = (v: ScimValue | undefined): v is ScimValue => v !== undefined && v !== null;

/**
 * Whether a value sent for an immutable attribute matches the one it has (RFC 7644 §3.5.1: "the
 * input value(s) MUST match"), as the attribute's values compare (RFC 7643 §2.2): caseExact=false
 * text whatever its case, dateTimes as instants. The stored value stays as it is either way.
 */
export const matchesImmutable = (attribute: Attribute, was: ScimValue, now: ScimValue | undefined): boolean =>
  now !== undefined && scimEquals(normalizeValue(attribute, was), normalizeValue(attribute, now));

const changed = (name: string) =>
  new ScimError(
    "mutability",
    `Attribute '${name}' is immutable and already has a value: a PUT must send that value.`,
  );

/**
 * RFC 7644 §3.5.1 for PUT: an immutable attribute that already has a value must be sent with that
 * value (400 `mutability` otherwise), and one the body leaves out keeps it (a PUT cannot clear
 * what may never change). Immutable sub-attributes of a singular complex attribute are held the
 * same way. Returns the resource to store in place of `next`; PATCH has its own check.
 */
export function keepImmutable(type: ResourceType, current: ScimObject, next: ScimObject): ScimObject {
  const out: ScimObject = { ...next };
  hold(type.coreAttributes, current, out, "");
  for (const { schema } of type.extensions) {
    const before = current[schema.id];
    if (!isObject(before)) continue;
    const sent = out[schema.id];
    const after: ScimObject = isObject(sent) ? { ...sent } : {};
    hold(schema.attributes, before, after, `${schema.id}:`);
    if (Object.keys(after).length > 0) out[schema.id] = after;
  }
  return out;
}

/** Holds `before`'s immutable values in `after` (mutated), throwing when `after` changes one. */
function hold(attributes: readonly Attribute[], before: ScimObject, after: ScimObject, prefix: string) {
  for (const attribute of attributes) {
    const was = before[attribute.name];
    if (!hasValue(was)) continue;
    if (attribute.mutability === "immutable") {
      const now = after[attribute.name];
      if (hasValue(now) && !matchesImmutable(attribute, was, now))
        throw changed(`${prefix}${attribute.name}`);
      after[attribute.name] = was;
      continue;
    }
    // Which element of a multi-valued attribute is "the same" one is not defined: only singular
    // complex attributes hold their immutable sub-attributes.
    if (attribute.multiValued || !isObject(was)) continue;
    const subs = (attribute.subAttributes ?? []).filter((s) => s.mutability === "immutable");
    if (subs.length === 0) continue;
    const sent = after[attribute.name];
    const merged: ScimObject = isObject(sent) ? { ...sent } : {};
    hold(subs, was, merged, `${prefix}${attribute.name}.`);
    if (Object.keys(merged).length > 0) after[attribute.name] = merged;
  }
}
