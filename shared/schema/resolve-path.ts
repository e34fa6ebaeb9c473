import type { Attribute } from "./attribute.js";
import { foldCase, sameName } from "./compare-values.js";
import type { ResourceType } from "./resource-type.js";
import type { Schema } from "./schema.js";

/** Where an attribute path points: which schema, which attribute, and where it lives in a resource. */
export interface ResolvedPath {
  /** The extension schema, or undefined for core and common attributes. */
  extension: Schema | undefined;
  attribute: Attribute;
  subAttribute: Attribute | undefined;
  /** Keys into the stored resource JSON, with canonical spelling: e.g. [urn, "manager", "value"]. */
  keys: string[];
}

export const findAttribute = (attributes: readonly Attribute[] | undefined, name: string) =>
  attributes?.find((a) => sameName(a.name, name));

/**
 * Finds the extension schema a URN-qualified path starts with (longest match, case-insensitive)
 * and returns it with the rest of the path (RFC 7644 §3.10). Also matches the bare URN.
 */
export function splitSchemaUrn(
  resourceType: ResourceType,
  path: string,
): { schema: Schema; rest: string } | undefined {
  const p = foldCase(path);
  let best: { schema: Schema; rest: string } | undefined;
  for (const { schema } of resourceType.extensions) {
    const urn = foldCase(schema.id);
    if (p === urn || p.startsWith(`${urn}:`)) {
      if (!best || schema.id.length > best.schema.id.length) {
        best = { schema, rest: path.slice(urn.length + 1) };
      }
    }
  }
  // The core URN may also prefix a core attribute: urn:ietf:params:scim:schemas:core:2.0:User:userName.
  const core = foldCase(resourceType.core.id);
  if (!best && p.startsWith(`${core}:`)) {
    return { schema: resourceType.core, rest: path.slice(core.length + 1) };
  }
  return best;
}

/**
 * Resolves `attr`, `attr.sub`, `urn:...:attr` or `urn:...:attr.sub` against a resource type, with
 * case-insensitive names (RFC 7643 §2.1). Returns undefined for paths no schema defines.
 */
export function resolvePath(resourceType: ResourceType, path: string): ResolvedPath | undefined {
  let extension: Schema | undefined;
  let attributes = resourceType.coreAttributes;
  let rest = path;
  const split = splitSchemaUrn(resourceType, path);
  if (split) {
    if (split.schema !== resourceType.core) {
      extension = split.schema;
      attributes = split.schema.attributes;
    }
    rest = split.rest;
  }
  if (rest === "") return undefined;
  const [name, subName, ...more] = rest.split(".");
  if (more.length > 0 || name === undefined) return undefined;
  let attribute = findAttribute(attributes, name);
  if (!attribute && !split) {
    // Entra names extension attributes bare (`manager` in filters and PATCH paths): an unqualified
    // name no core attribute claims resolves to the first extension that defines it.
    const owner = resourceType.extensions.find((e) => findAttribute(e.schema.attributes, name));
    extension = owner?.schema;
    attribute = owner ? findAttribute(owner.schema.attributes, name) : undefined;
  }
  if (!attribute) return undefined;
  let subAttribute: Attribute | undefined;
  if (subName !== undefined) {
    subAttribute = findAttribute(attribute.subAttributes, subName);
    if (!subAttribute) return undefined;
  }
  const keys = [
    ...(extension ? [extension.id] : []),
    attribute.name,
    ...(subAttribute ? [subAttribute.name] : []),
  ];
  return { extension, attribute, subAttribute, keys };
}

/**
 * The sub-attribute a name inside `attribute[...]` names (RFC 7644 §3.4.2.2 valFilter: the names
 * there are sub-attributes of `attribute`): `type`, or through the attribute `emails.type`, either
 * optionally behind the URN of `schema`, the schema defining `attribute`. `"schema"`: a URN of
 * another schema, which names no sub-attribute of `attribute` (ignoring it would quietly test
 * `emails.type` for `emails[<enterprise URN>:type ...]`); `"unknown"`: no such sub-attribute.
 */
export function resolveSubAttributePath(
  attribute: Attribute,
  schema: string,
  path: { uri?: string | undefined; attribute: string; sub?: string | undefined },
): { subAttribute: Attribute } | { problem: "schema" | "unknown" } {
  if (path.uri !== undefined && !sameName(path.uri, schema)) return { problem: "schema" };
  let name: string | undefined = path.attribute;
  if (path.sub !== undefined) name = sameName(path.attribute, attribute.name) ? path.sub : undefined;
  const subAttribute = name === undefined ? undefined : findAttribute(attribute.subAttributes, name);
  return subAttribute ? { subAttribute } : { problem: "unknown" };
}
