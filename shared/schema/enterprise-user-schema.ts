import { attribute } from "./attribute.js";
import { ENTERPRISE_USER, type Schema } from "./schema.js";

const str = (name: string, description: string) => attribute(name, "string", { description });

/** RFC 7643 §4.3: the enterprise User extension. */
export const enterpriseUserSchema: Schema = {
  id: ENTERPRISE_USER,
  name: "EnterpriseUser",
  description: "Enterprise User",
  attributes: [
    str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person by the organization."),
    str("costCenter", "Identifies the name of a cost center."),
    str("organization", "Identifies the name of an organization."),
    str("division", "Identifies the name of a division."),
    str("department", "Identifies the name of a department."),
    attribute("manager", "complex", {
      description: "The user's manager.",
      subAttributes: [
        attribute("value", "string", {
          description: "The id of the manager's User resource.",
          caseExact: true,
        }),
        attribute("$ref", "reference", {
          description: "The URI of the manager's User.",
          referenceTypes: ["User"],
        }),
        attribute("displayName", "string", {
          description: "The displayName of the manager.",
          mutability: "readOnly",
        }),
      ],
    }),
  ],
};
