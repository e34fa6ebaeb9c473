import type { ResourceType } from "../schema/resource-type.js";
import { type DiscoveryMeta, discoveryMeta } from "./discovery-meta.js";

export const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

export interface ResourceTypeDocument {
  schemas: [typeof RESOURCE_TYPE_SCHEMA];
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions?: { schema: string; required: boolean }[];
  meta: DiscoveryMeta;
}

/**
 * Renders a resource type as the `/ResourceTypes` resource of RFC 7643 §6 (example: §8.6).
 * `schemaExtensions` is omitted when there are none, as in the §8.6 Group example; the ADSCIM group
 * alias is not listed because it has no attributes and therefore no `/Schemas` entry to point at.
 */
export function resourceTypeDocument(resourceType: ResourceType, baseUrl: string): ResourceTypeDocument {
  const { extensions } = resourceType;
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resourceType.id,
    name: resourceType.name,
    endpoint: resourceType.endpoint,
    description: resourceType.description,
    schema: resourceType.core.id,
    ...(extensions.length > 0
      ? { schemaExtensions: extensions.map(({ schema, required }) => ({ schema: schema.id, required })) }
      : {}),
    meta: discoveryMeta("ResourceType", baseUrl, `ResourceTypes/${resourceType.id}`),
  };
}
