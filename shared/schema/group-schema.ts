import { attribute } from "./attribute.js";
import { CORE_GROUP, type Schema } from "./schema.js";

/** RFC 7643 §4.2 and §8.7.1: the core Group schema. */
export const groupSchema: Schema = {
  id: CORE_GROUP,
  name: "Group",
  description: "Group",
  attributes: [
    attribute("displayName", "string", {
      description: "A human-readable name for the Group. Unique per tenant, case-insensitive.",
      required: true,
      uniqueness: "server",
    }),
    attribute("members", "complex", {
      multiValued: true,
      description: "A list of members of the Group.",
      subAttributes: [
        attribute("value", "string", {
          description: "The id of a member User or Group.",
          caseExact: true,
          mutability: "immutable",
        }),
        attribute("$ref", "reference", {
          description: "The URI of the member.",
          mutability: "immutable",
          referenceTypes: ["User", "Group"],
        }),
        attribute("display", "string", { description: "The member's display name.", mutability: "readOnly" }),
        attribute("type", "string", {
          description: "The type of member.",
          mutability: "immutable",
          canonicalValues: ["User", "Group"],
        }),
      ],
    }),
  ],
};
