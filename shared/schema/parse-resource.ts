import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "./attribute.js";
import { sameName } from "./compare-values.js";
import { checkRequiredSubAttributes } from "./required-sub-attributes.js";
import { findAttribute, resolvePath, splitSchemaUrn } from "./resolve-path.js";
import type { ResourceType } from "./resource-type.js";
import { isBlank, isObject, type ScimObject, type ScimValue } from "./scim-json.js";
import { hasValueSub, isHollow, singleValue } from "./value-forms.js";
import { valueSchema, zodToScimError } from "./value-schema.js";

export interface ParsedResource {
  /** The resource's attributes, canonical names, extensions nested under their URN. */
  resource: ScimObject;
  /** A writeOnly password, kept apart so that it can never reach a response. */
  password: string | undefined;
}

function validate(attribute: Attribute, value: unknown, label: string): ScimValue {
  const result = valueSchema(attribute).safeParse(value);
  if (!result.success) throw zodToScimError(result.error, label);
  return result.data as ScimValue;
}

/** An empty value (RFC 7643 §2.5: "", [] and {} are unassigned) adds nothing to a resource. */
const isEmpty = (v: ScimValue) =>
  v === "" || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

/**
 * A singular reference (the enterprise manager) takes the forms a PATCH takes: Entra's array of one
 * value is that value, an empty array none, and one without its id (`""`, `{"value": ""}`) names
 * nothing rather than a stored `value: ""` rendered with a `$ref` to the whole collection.
 */
const isReference = (attribute: Attribute) =>
  attribute.type === "complex" && !attribute.multiValued && hasValueSub(attribute);

/**
 * The elements of a multi-valued complex value that carry something: `{}`, or an email with a type
 * but no address, is no value (RFC 7643 §2.5), and a PATCH drops it the same way, so that
 * `emails: [{}]` is not stored and returned by POST or PUT alone. A group's members are not
 * filtered: one without its id is refused (memberRefs), in a PATCH too.
 */
function withoutHollow(type: ResourceType, attribute: Attribute, value: ScimValue): ScimValue {
  if (!attribute.multiValued || attribute.type !== "complex" || !Array.isArray(value)) return value;
  if (type.id === "Group" && attribute.name === "members") return value;
  return value.filter((item) => !isObject(item) || !isHollow(attribute, item));
}

/**
 * Parses a POST/PUT body into a resource (RFC 7644 §3.3, §3.5.1): attribute names are matched
 * case-insensitively, `null` means "no value", readOnly attributes (id, meta, groups) are ignored,
 * extension attributes are accepted nested under their URN or URN-qualified at top level (Entra
 * does not always list custom extension URNs in `schemas`), and unknown attributes are rejected so
 * that nothing a client sends is silently dropped.
 */
export function parseResource(resourceType: ResourceType, body: unknown): ParsedResource {
  if (!isObject(body)) throw new ScimError("invalidSyntax", "The request body must be a JSON object.");
  const resource: ScimObject = {};
  let password: string | undefined;

  // Names match case-insensitively and an extension attribute can be written three ways, so one
  // attribute can come twice (`userName` and `USERNAME`): refused, rather than one silently lost.
  // A null beside a value is no second value, and readOnly attributes are ignored anyway.
  const given = new Set<string>();
  const put = (target: ScimObject, attribute: Attribute, raw: unknown, label: string) => {
    const value = isReference(attribute) ? singleValue(raw, label) : raw;
    if (value === null || value === undefined || attribute.mutability === "readOnly") return;
    if (given.has(label)) {
      throw new ScimError(
        "invalidValue",
        `Attribute '${label}' is given more than once (attribute names are case-insensitive).`,
      );
    }
    given.add(label);
    const parsed = validate(attribute, value, label);
    if (attribute.mutability === "writeOnly" && attribute.name === "password") {
      if (typeof parsed === "string" && parsed !== "") password = parsed;
      return;
    }
    const kept = withoutHollow(resourceType, attribute, parsed);
    if (isEmpty(kept) || (isReference(attribute) && isObject(kept) && isHollow(attribute, kept))) return;
    target[attribute.name] = kept;
  };

  for (const [key, value] of Object.entries(body)) {
    // null is "no value" (RFC 7644 §3.5.1), even for names this server does not know.
    if (value === null) continue;
    if (sameName(key, "schemas")) {
      if (value !== null && (!Array.isArray(value) || value.some((s) => typeof s !== "string"))) {
        throw new ScimError("invalidValue", "Attribute 'schemas' must be an array of schema URNs.");
      }
      continue; // `schemas` is recomputed from the attributes present; malformed URNs in it are tolerated.
    }
    const core = findAttribute(resourceType.coreAttributes, key);
    if (core) {
      put(resource, core, value, core.name);
      continue;
    }
    const split = splitSchemaUrn(resourceType, key);
    if (split && split.schema !== resourceType.core) {
      const urn = split.schema.id;
      const target = isObject(resource[urn]) ? (resource[urn] as ScimObject) : {};
      if (split.rest === "") {
        if (value === null) continue;
        if (!isObject(value)) throw new ScimError("invalidValue", `Attribute '${urn}' must be an object.`);
        for (const [name, inner] of Object.entries(value)) {
          const attribute = findAttribute(split.schema.attributes, name);
          if (!attribute) throw unknown(`${urn}:${name}`);
          put(target, attribute, inner, `${urn}:${attribute.name}`);
        }
      } else {
        const attribute = findAttribute(split.schema.attributes, split.rest);
        if (!attribute) throw unknown(key);
        put(target, attribute, value, `${urn}:${attribute.name}`);
      }
      if (Object.keys(target).length > 0) resource[urn] = target;
      continue;
    }
    if (split && split.schema === resourceType.core) {
      const attribute = findAttribute(resourceType.coreAttributes, split.rest);
      if (!attribute) throw unknown(key);
      put(resource, attribute, value, attribute.name);
      continue;
    }
    const bare = resolvePath(resourceType, key);
    if (bare?.extension && !bare.subAttribute) {
      const urn = bare.extension.id;
      const target = isObject(resource[urn]) ? (resource[urn] as ScimObject) : {};
      put(target, bare.attribute, value, `${urn}:${bare.attribute.name}`);
      if (Object.keys(target).length > 0) resource[urn] = target;
      continue;
    }
    throw unknown(key);
  }

  for (const attribute of resourceType.core.attributes) {
    if (attribute.required && isBlank(resource[attribute.name])) {
      throw new ScimError("invalidValue", `Attribute '${attribute.name}' is required and cannot be blank.`);
    }
  }
  for (const { schema } of resourceType.extensions) {
    const ext = resource[schema.id];
    for (const attribute of schema.attributes) {
      if (attribute.required && (!isObject(ext) || isBlank(ext[attribute.name]))) {
        throw new ScimError(
          "invalidValue",
          `Attribute '${schema.id}:${attribute.name}' is required and cannot be blank.`,
        );
      }
    }
  }
  checkRequiredSubAttributes(resourceType, resource);
  return { resource, password };
}

const unknown = (name: string) =>
  new ScimError(
    "invalidValue",
    `Unknown attribute '${name}': it is not defined by the resource's schemas. Custom extension attributes must be configured (SCIM_SCHEMA_EXTENSIONS).`,
  );
