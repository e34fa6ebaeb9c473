import type { Attribute } from "./attribute.js";
import { normalizeScalar } from "./compare-values.js";
import { findAttribute } from "./resolve-path.js";
import type { ResourceType } from "./resource-type.js";
import { isObject, type ScimObject, type ScimValue } from "./scim-json.js";

/** A value of `attribute` in comparison form (see `normalizeResource`), whatever its shape. */
export function normalizeValue(attribute: Attribute | undefined, value: ScimValue): ScimValue {
  if (Array.isArray(value)) return value.map((v) => normalizeValue(attribute, v));
  if (isObject(value)) return normalizeObject(attribute?.subAttributes ?? [], value);
  return attribute ? normalizeScalar(attribute, value) : value;
}

function normalizeObject(attributes: readonly Attribute[], object: ScimObject): ScimObject {
  const out: ScimObject = {};
  for (const [key, value] of Object.entries(object)) {
    out[key] = normalizeValue(findAttribute(attributes, key), value);
  }
  return out;
}

/**
 * The comparison form of a resource: same shape, caseExact=false strings lower-cased and dates as
 * UTC ISO instants (RFC 7644 §3.4.2.2 compares by each attribute's caseExact; dates as instants).
 */
export function normalizeResource(resourceType: ResourceType, resource: ScimObject): ScimObject {
  const out = normalizeObject(resourceType.coreAttributes, resource);
  for (const { schema } of resourceType.extensions) {
    const ext = resource[schema.id];
    if (isObject(ext)) out[schema.id] = normalizeObject(schema.attributes, ext);
  }
  return out;
}
