import { type Attribute, attribute } from "./attribute.js";

/** RFC 7643 §3.1 common attributes, present on every resource. */
export const idAttribute = attribute("id", "string", {
  description: "Unique identifier for the SCIM resource as defined by the service provider.",
  caseExact: true,
  mutability: "readOnly",
  returned: "always",
  uniqueness: "server",
});

export const externalIdAttribute = attribute("externalId", "string", {
  description: "Identifier of the resource as defined by the provisioning client.",
  caseExact: true,
});

const readOnlyDefault = { mutability: "readOnly", caseExact: true } as const;

export const metaAttribute = attribute("meta", "complex", {
  description: "Resource metadata.",
  mutability: "readOnly",
  subAttributes: [
    attribute("resourceType", "string", {
      ...readOnlyDefault,
      description: "The name of the resource type.",
    }),
    attribute("created", "dateTime", { ...readOnlyDefault, description: "When the resource was added." }),
    attribute("lastModified", "dateTime", {
      ...readOnlyDefault,
      description: "When the resource was last updated.",
    }),
    attribute("location", "reference", {
      ...readOnlyDefault,
      referenceTypes: ["uri"],
      description: "The URI of the resource.",
    }),
    attribute("version", "string", {
      ...readOnlyDefault,
      description: "The version (ETag) of the resource.",
    }),
  ],
});

export const commonAttributes: readonly Attribute[] = [idAttribute, externalIdAttribute, metaAttribute];
