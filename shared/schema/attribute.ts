/** RFC 7643 §2.3 data types. */
export type AttributeType =
  | "string"
  | "boolean"
  | "decimal"
  | "integer"
  | "dateTime"
  | "binary"
  | "reference"
  | "complex";
export type Mutability = "readOnly" | "readWrite" | "immutable" | "writeOnly";
export type Returned = "always" | "never" | "default" | "request";
export type Uniqueness = "none" | "server" | "global";

/** One attribute definition (RFC 7643 §7). The same object drives validation, filters, PATCH and /Schemas. */
export interface Attribute {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: readonly string[];
  referenceTypes?: readonly string[];
  subAttributes?: readonly Attribute[];
}

type AttributeOptions = Partial<Omit<Attribute, "name" | "type">>;

/** Builds an attribute with RFC 7643 §2.2 defaults, so definitions only state what differs. */
export function attribute(name: string, type: AttributeType, options: AttributeOptions = {}): Attribute {
  return {
    name,
    type,
    multiValued: false,
    description: "",
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...(type === "reference" ? { referenceTypes: ["external"] } : {}),
    // RFC 7643 §2.3.6: binary values are case exact, and compared so (only text folds case).
    ...(type === "binary" ? { caseExact: true } : {}),
    ...options,
  };
}

/** The usual multi-valued complex attribute (RFC 7643 §2.4): value, display, type, primary. */
export function multiValued(
  name: string,
  description: string,
  types: readonly string[],
  valueType: AttributeType = "string",
  extra: readonly Attribute[] = [],
): Attribute {
  return attribute(name, "complex", {
    multiValued: true,
    description,
    subAttributes: [
      attribute("value", valueType, { description: `The value of ${name}.` }),
      attribute("display", "string", { description: "A human-readable name, for display only." }),
      attribute("type", "string", {
        description: "A label indicating the attribute's function.",
        ...(types.length ? { canonicalValues: types } : {}),
      }),
      attribute("primary", "boolean", { description: "Whether this is the preferred value." }),
      ...extra,
    ],
  });
}
