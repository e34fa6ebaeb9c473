import { attribute } from "../../../shared/schema/attribute.js";
import { type CustomExtensions, parseCustomExtensions } from "../../../shared/schema/custom-extensions.js";

export const CUSTOM_USER = "urn:ietf:params:scim:schemas:extension:CustomApp:2.0:User";
export const CUSTOM_GROUP = "urn:ietf:params:scim:schemas:extension:CustomApp:2.0:Group";

/** Operator configuration that uses every attribute type and characteristic the parser accepts. */
export const SAMPLE_EXTENSIONS_JSON = JSON.stringify([
  {
    schema: CUSTOM_USER,
    name: "CustomApp",
    description: "Attributes of the CustomApp application.",
    resourceType: "User",
    attributes: [
      { name: "costCode", type: "string", description: "Cost code.", caseExact: false, uniqueness: "none" },
      { name: "tier", canonicalValues: ["gold", "silver"] },
      { name: "isContractor", type: "boolean" },
      { name: "hourlyRate", type: "decimal" },
      { name: "badgeNumber", type: "integer", mutability: "immutable" },
      { name: "contractEnd", type: "dateTime" },
      { name: "photoHash", type: "binary", returned: "request" },
      { name: "homepage", type: "reference" },
      { name: "pin", mutability: "writeOnly", returned: "never" },
      { name: "syncedAt", type: "dateTime", mutability: "readOnly" },
      { name: "skills", multiValued: true },
      {
        name: "sponsor",
        type: "complex",
        subAttributes: [
          { name: "value", caseExact: true },
          { name: "$ref", type: "reference", referenceTypes: ["User"] },
          { name: "displayName", mutability: "readOnly" },
        ],
      },
      {
        name: "badges",
        type: "complex",
        multiValued: true,
        subAttributes: [
          { name: "value" },
          { name: "issued", type: "dateTime" },
          { name: "primary", type: "boolean" },
        ],
      },
    ],
  },
  {
    schema: CUSTOM_GROUP,
    name: "CustomAppGroup",
    resourceType: "Group",
    attributes: [{ name: "costCode" }, { name: "budget", type: "integer", required: true }],
  },
]);

export function sampleExtensions(): CustomExtensions {
  const result = parseCustomExtensions(SAMPLE_EXTENSIONS_JSON);
  if (!result.ok) throw result.error;
  return result.extensions;
}

export const CARDS = "urn:ietf:params:scim:schemas:extension:Cards:2.0:User";

/** A User extension whose complex attributes, one singular and one multi-valued, require `num`. */
export function cardsExtension(): CustomExtensions {
  const num = attribute("num", "string", { required: true });
  const subAttributes = [num, attribute("label", "string")];
  return {
    Group: [],
    User: [
      {
        id: CARDS,
        name: "Cards",
        description: "",
        attributes: [
          attribute("card", "complex", { subAttributes }),
          attribute("cards", "complex", { multiValued: true, subAttributes }),
        ],
      },
    ],
  };
}
