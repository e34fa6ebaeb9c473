import type { ResourceTypes } from "../schema/resource-type.js";
import type { Schema } from "../schema/schema.js";

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
  const wanted = id.toLowerCase();
  return discoverySchemas(resourceTypes).find((schema) => schema.id.toLowerCase() === wanted);
}
