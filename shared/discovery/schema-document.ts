import type { Attribute } from "../schema/attribute.js";
import { sameName } from "../schema/compare-values.js";
import type { ResourceTypes } from "../schema/resource-type.js";
import type { Schema } from "../schema/schema.js";
import { type DiscoveryMeta, discoveryMeta } from "./discovery-meta.js";

export const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/**
 * One attribute as RFC 7643 §7 publishes it: the definition's own fields, as plain JSON. Optional
 * keys are absent, never null (Entra rejects nulls).
 */
export type AttributeDocument = Omit<Attribute, "canonicalValues" | "referenceTypes" | "subAttributes"> & {
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDocument[];
};

export interface SchemaDocument {
  schemas: [typeof SCHEMA_SCHEMA];
  id: string;
  name: string;
  description: string;
  attributes: AttributeDocument[];
  meta: DiscoveryMeta;
}

/**
 * Renders one attribute definition with all its characteristics (RFC 7643 §7). Arrays are copied so
 * a caller that mutates the document cannot reach the definitions that validation runs from.
 */
export function attributeDocument(attribute: Attribute): AttributeDocument {
  const doc: AttributeDocument = {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
  };
  if (attribute.canonicalValues) doc.canonicalValues = [...attribute.canonicalValues];
  if (attribute.referenceTypes) doc.referenceTypes = [...attribute.referenceTypes];
  if (attribute.subAttributes) doc.subAttributes = attribute.subAttributes.map(attributeDocument);
  return doc;
}

/**
 * Renders a schema definition as the `/Schemas` resource of RFC 7643 §7 (example: §8.7.1), from the
 * same object that validation, filters and PATCH use. The common attributes id, externalId and meta
 * are not listed: RFC 7643 §3.1 makes them part of every resource without belonging to a schema, and
 * §8.7.1 leaves them out too.
 */
export function schemaDocument(schema: Schema, baseUrl: string): SchemaDocument {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: discoveryMeta("Schema", baseUrl, `Schemas/${schema.id}`),
  };
}

/**
 * Every schema the resource types use, core first then extensions, each once: the content of
 * `/Schemas` (RFC 7644 §4). Taken from the resource types so that `/Schemas` and `/ResourceTypes`
 * cannot name different sets.
 */
export function discoverySchemas(resourceTypes: ResourceTypes): Schema[] {
  const schemas: Schema[] = [];
  for (const resourceType of [resourceTypes.User, resourceTypes.Group]) {
    for (const schema of [resourceType.core, ...resourceType.extensions.map((e) => e.schema)]) {
      if (!schemas.includes(schema)) schemas.push(schema);
    }
  }
  return schemas;
}

/**
 * The schema behind `/Schemas/{id}` (RFC 7644 §4), or undefined (the caller answers 404). URNs are
 * compared case-insensitively, as attribute paths that carry them are (RFC 7644 §3.10).
 */
export function findSchema(resourceTypes: ResourceTypes, id: string): Schema | undefined {
  return discoverySchemas(resourceTypes).find((schema) => sameName(schema.id, id));
}
