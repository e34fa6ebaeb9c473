import { attribute, multiValued } from "./attribute.js";
import { CORE_USER, type Schema } from "./schema.js";

const str = (name: string, description: string) => attribute(name, "string", { description });

/** RFC 7643 §4.1 and §8.7.1: the core User schema. */
export const userSchema: Schema = {
  id: CORE_USER,
  name: "User",
  description: "User Account",
  attributes: [
    attribute("userName", "string", {
      description:
        "Unique identifier for the User, used to authenticate. Unique per tenant, case-insensitive.",
      required: true,
      uniqueness: "server",
    }),
    attribute("name", "complex", {
      description: "The components of the user's real name.",
      subAttributes: [
        str("formatted", "The full name, formatted for display."),
        str("familyName", "The family name (last name)."),
        str("givenName", "The given name (first name)."),
        str("middleName", "The middle name(s)."),
        str("honorificPrefix", "The honorific prefix(es), e.g. 'Ms.'."),
        str("honorificSuffix", "The honorific suffix(es), e.g. 'III'."),
      ],
    }),
    str("displayName", "The name of the User, suitable for display to end-users."),
    str("nickName", "The casual way to address the user."),
    attribute("profileUrl", "reference", { description: "A URI of the user's online profile." }),
    str("title", "The user's title, such as 'Vice President'."),
    str("userType", "The relationship between the organization and the user."),
    str("preferredLanguage", "The user's preferred written or spoken language (RFC 7231 §5.3.5)."),
    str("locale", "The user's default location for localization."),
    str("timezone", "The user's time zone in the Olson database format."),
    attribute("active", "boolean", { description: "The user's administrative status." }),
    attribute("password", "string", {
      description: "The user's cleartext password; write-only, never returned.",
      mutability: "writeOnly",
      returned: "never",
    }),
    multiValued("emails", "Email addresses for the user.", ["work", "home", "other"]),
    multiValued("phoneNumbers", "Phone numbers for the user.", [
      "work",
      "home",
      "mobile",
      "fax",
      "pager",
      "other",
    ]),
    multiValued("ims", "Instant messaging addresses for the user.", [
      "aim",
      "gtalk",
      "icq",
      "xmpp",
      "msn",
      "skype",
      "qq",
      "yahoo",
    ]),
    multiValued("photos", "URLs of photos of the user.", ["photo", "thumbnail"], "reference"),
    attribute("addresses", "complex", {
      multiValued: true,
      description: "A physical mailing address for this user.",
      subAttributes: [
        str("formatted", "The full mailing address, formatted for display."),
        str("streetAddress", "The full street address component."),
        str("locality", "The city or locality component."),
        str("region", "The state or region component."),
        str("postalCode", "The zip code or postal code component."),
        str("country", "The country name component (ISO 3166-1 alpha-2)."),
        attribute("type", "string", {
          description: "A label indicating the attribute's function.",
          canonicalValues: ["work", "home", "other"],
        }),
        attribute("primary", "boolean", { description: "Whether this is the preferred address." }),
      ],
    }),
    attribute("groups", "complex", {
      multiValued: true,
      description:
        "Groups the user belongs to, directly or indirectly. Read-only, derived from group membership.",
      mutability: "readOnly",
      subAttributes: [
        attribute("value", "string", { description: "The id of the group.", mutability: "readOnly" }),
        attribute("$ref", "reference", {
          description: "The URI of the group.",
          mutability: "readOnly",
          referenceTypes: ["User", "Group"],
        }),
        attribute("display", "string", { description: "The group's displayName.", mutability: "readOnly" }),
        attribute("type", "string", {
          description: "Direct or indirect membership.",
          mutability: "readOnly",
          canonicalValues: ["direct", "indirect"],
        }),
      ],
    }),
    multiValued("entitlements", "Entitlements of the user.", []),
    multiValued("roles", "Roles of the user.", []),
    multiValued("x509Certificates", "DER-encoded X.509 certificates of the user.", [], "binary"),
  ],
};
