import { ScimError } from "../errors/scim-error.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";

/** 409 uniqueness naming the attribute and value that collided (userName or displayName). */
export function uniquenessError(type: ResourceType, resource: ScimObject): ScimError {
  const unique = type.core.attributes.find((a) => a.uniqueness === "server");
  const name = unique?.name ?? "id";
  const value = resource[name];
  return new ScimError(
    "uniqueness",
    `A ${type.name} with ${name} ${JSON.stringify(value)} already exists (compared case-insensitively).`,
  );
}
