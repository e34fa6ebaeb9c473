import type { Attribute } from "./attribute.js";
import { commonAttributes } from "./common-attributes.js";
import { enterpriseUserSchema } from "./enterprise-user-schema.js";
import { groupSchema } from "./group-schema.js";
import { ADSCIM_GROUP, type Schema } from "./schema.js";
import { userSchema } from "./user-schema.js";

export interface SchemaExtension {
  schema: Schema;
  required: boolean;
}

/**
 * A resource type (RFC 7643 §6) with its schemas resolved: the unit that validation, filters,
 * PATCH, projection and discovery all take, so none of them can disagree about an attribute.
 */
export interface ResourceType {
  id: "User" | "Group";
  name: string;
  endpoint: "/Users" | "/Groups";
  description: string;
  core: Schema;
  extensions: readonly SchemaExtension[];
  /** Schema URNs a client may list in `schemas[]` that carry no attributes of their own. */
  acceptedSchemaAliases: readonly string[];
  /** Core schema attributes plus the common attributes id, externalId and meta (RFC 7643 §3.1). */
  coreAttributes: readonly Attribute[];
}

export interface ResourceTypes {
  User: ResourceType;
  Group: ResourceType;
}

/** Builds both resource types; `customExtensions` come from configuration (custom Entra attributes). */
export function buildResourceTypes(
  customExtensions: { User?: readonly Schema[]; Group?: readonly Schema[] } = {},
): ResourceTypes {
  const extension = (schema: Schema): SchemaExtension => ({ schema, required: false });
  return {
    User: {
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "User Account",
      core: userSchema,
      extensions: [extension(enterpriseUserSchema), ...(customExtensions.User ?? []).map(extension)],
      acceptedSchemaAliases: [],
      coreAttributes: [...commonAttributes, ...userSchema.attributes],
    },
    Group: {
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "Group",
      core: groupSchema,
      extensions: (customExtensions.Group ?? []).map(extension),
      acceptedSchemaAliases: [ADSCIM_GROUP],
      coreAttributes: [...commonAttributes, ...groupSchema.attributes],
    },
  };
}
