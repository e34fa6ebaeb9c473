import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "./attribute.js";
import { scimEquals } from "./compare-values.js";
import type { ResourceType } from "./resource-type.js";
import { isBlank, isObject, type ScimObject, type ScimValue } from "./scim-json.js";

type Read = (resource: ScimObject) => ScimValue | undefined;

const byType = new WeakMap<ResourceType, [Attribute, Read, string][]>();

/** The complex attributes with a required sub-attribute, each with where its value sits and its name in messages. */
function withRequiredSubs(type: ResourceType): [Attribute, Read, string][] {
  const known = byType.get(type);
  if (known) return known;
  const found: [Attribute, Read, string][] = [];
  const hasRequired = (a: Attribute) => a.subAttributes?.some((sub) => sub.required) === true;
  for (const attribute of type.coreAttributes.filter(hasRequired)) {
    found.push([attribute, (r) => r[attribute.name], attribute.name]);
  }
  for (const { schema } of type.extensions) {
    for (const attribute of schema.attributes.filter(hasRequired)) {
      const read: Read = (r) => {
        const holder = r[schema.id];
        return isObject(holder) ? holder[attribute.name] : undefined;
      };
      found.push([attribute, read, `${schema.id}:${attribute.name}`]);
    }
  }
  byType.set(type, found);
  return found;
}

/**
 * RFC 7643 §2.2 `required` on a sub-attribute: every value of its complex attribute carries it,
 * or the answer is 400 `invalidValue` naming the value. With `before` (a PATCH), only attributes
 * whose value changed are checked, so that patching something else is not refused over a value
 * stored before the sub-attribute was declared required.
 */
export function checkRequiredSubAttributes(
  type: ResourceType,
  resource: ScimObject,
  before?: ScimObject,
): void {
  for (const [attribute, read, label] of withRequiredSubs(type)) {
    const value = read(resource);
    if (value === undefined || (before && scimEquals(read(before), value))) continue;
    const required = attribute.subAttributes?.filter((sub) => sub.required) ?? [];
    for (const [index, item] of (Array.isArray(value) ? value : [value]).entries()) {
      const missing = isObject(item) ? required.find((sub) => isBlank(item[sub.name])) : undefined;
      if (!missing) continue;
      const where = attribute.multiValued ? `${label}[${index}]` : label;
      throw new ScimError(
        "invalidValue",
        `Attribute '${where}.${missing.name}' is required in every value of '${label}' and cannot be blank.`,
      );
    }
  }
}
