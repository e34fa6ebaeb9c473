import type { Attribute } from "../../../shared/schema/attribute.js";

export const isWritable = (attribute: Attribute) => attribute.mutability !== "readOnly";

/** A valid value for one item of the attribute, of its declared type (RFC 7643 §2.3). */
export function sampleItem(attribute: Attribute): unknown {
  switch (attribute.type) {
    case "string":
      return attribute.canonicalValues?.[0] ?? "sample";
    case "boolean":
      return true;
    case "decimal":
      return 1.5;
    case "integer":
      return 7;
    case "dateTime":
      return "2024-05-06T07:08:09Z";
    case "binary":
      return "aGVsbG8=";
    case "reference":
      return "https://scim.example/scim/v2/Users/2819c223";
    case "complex":
      return Object.fromEntries(
        (attribute.subAttributes ?? []).filter(isWritable).map((sub) => [sub.name, sampleItem(sub)]),
      );
  }
}

/** A value of the wrong type for one item of the attribute. */
export function wrongItem(attribute: Attribute): unknown {
  switch (attribute.type) {
    case "string":
    case "reference":
    case "binary":
    case "boolean":
    case "complex":
      return 42;
    case "decimal":
      return "1.5";
    case "integer":
      return 1.5;
    case "dateTime":
      return "last Tuesday";
  }
}

/** Wraps an item the way the attribute holds it: in an array when multi-valued. */
export const asValue = (attribute: Attribute, item: unknown) => (attribute.multiValued ? [item] : item);
