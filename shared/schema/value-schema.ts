import * as z from "zod";
import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "./attribute.js";
import { booleanOf, hasRealDateFields, inFourDigitYears } from "./compare-values.js";
import { findAttribute } from "./resolve-path.js";
import { isObject } from "./scim-json.js";

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * RFC 7643 §2.3.6 binary: base64 as RFC 4648 §4 defines it, whose encoded text is whole 4-character
 * groups, padded with "=" (white space between them, as in line-wrapped certificates, is let be).
 * Without the length check "a" (6 bits, not one byte) or "aGVsbG8==" (a group of 5) would be stored
 * as binary data that decoders read back differently or refuse.
 */
function isBase64(text: string): boolean {
  const encoded = text.replace(/\s/g, "");
  return encoded.length % 4 === 0 && BASE64.test(encoded);
}

/** Entra sends booleans as "True"/"False" strings without the aadOptscim062020 flag. */
const stringBoolean = (v: unknown) => booleanOf(v) ?? v;

/**
 * Entra maps app role assignments to `roles` as a JSON document inside `value`:
 * {"value":"{\"id\":\"..\",\"value\":\"25\",\"displayName\":\"R\"}"}. Unwrap it into a real role.
 */
export function unwrapJsonRole<T extends Record<string, unknown>>(item: T): T {
  const raw = item.value;
  if (typeof raw !== "string" || !raw.trimStart().startsWith("{")) return item;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return item;
  }
  if (!isObject(parsed) || typeof parsed.value !== "string") return item;
  const display = parsed.displayName ?? parsed.display;
  return {
    ...item,
    value: parsed.value,
    ...(typeof display === "string" && item.display === undefined ? { display } : {}),
    ...(typeof parsed.type === "string" && item.type === undefined ? { type: parsed.type } : {}),
  };
}

/**
 * Canonicalises a complex value before validation: sub-attribute names matched case-insensitively,
 * nulls dropped (Entra sends nulls for "no value"; RFC 7644 §3.5.1 treats null as unassigned),
 * readOnly sub-attributes dropped (RFC 7643 §2.2: ignored on input). Unknown keys are kept so that
 * the strict object schema reports them. A sub-attribute given twice (`givenName` and `GIVENNAME`,
 * one name: RFC 7643 §2.1) is an issue, as a top-level one is in parseResource: keeping either
 * would drop the other unseen.
 */
function canonicalComplex(attribute: Attribute, input: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof input === "string" && findAttribute(attribute.subAttributes, "value")) {
    // A bare id where a complex value is expected: Entra's manager without the flag.
    input = { value: input };
  }
  if (!isObject(input)) return input;
  let out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null) continue;
    const sub = findAttribute(attribute.subAttributes, key);
    if (sub?.mutability === "readOnly") continue;
    if (sub && Object.hasOwn(out, sub.name)) {
      ctx.addIssue({
        code: "custom",
        message: "is given more than once (attribute names are case-insensitive)",
        path: [sub.name],
      });
    }
    out[sub ? sub.name : key] = value;
  }
  if (attribute.name === "roles") out = unwrapJsonRole(out);
  return out;
}

function scalarSchema(attribute: Attribute): z.ZodType {
  switch (attribute.type) {
    case "boolean":
      return z.preprocess(stringBoolean, z.boolean());
    case "integer":
      return z.number().int();
    case "decimal":
      return z.number();
    case "dateTime":
      return (
        z
          .string()
          .refine(
            (s) => ISO_DATE_TIME.test(s) && hasRealDateFields(s) && !Number.isNaN(Date.parse(s)),
            "expected an ISO 8601 date-time",
          )
          // Compared as UTC ISO text (compare-values.ts), which orders as the instants only in these years.
          .refine(inFourDigitYears, "expected a date-time in the years 0000 to 9999 UTC")
      );
    case "binary":
      return z
        .string()
        .refine(isBase64, "expected base64 (RFC 4648 §4: groups of 4 characters, padded with =)");
    case "reference":
    case "string":
      return z.string();
    case "complex": {
      const shape: Record<string, z.ZodType> = {};
      for (const sub of attribute.subAttributes ?? []) {
        if (sub.mutability !== "readOnly") shape[sub.name] = scalarSchema(sub).optional();
      }
      return z.preprocess((v, ctx) => canonicalComplex(attribute, v, ctx), z.strictObject(shape));
    }
  }
}

const onlyOnePrimary = (items: unknown[]) =>
  items.filter((item) => isObject(item) && item.primary === true).length <= 1;

/*
 * Schemas are built once per attribute definition: zod compiles each object schema on first use, and
 * a PATCH validates every element it adds or merges (a 1,000-member add: 1,000 elements). Built per
 * call, that compile took about 8% of a one-member add's CPU (profiled).
 */
const cache = new WeakMap<Attribute, z.ZodType>();
const itemCache = new WeakMap<Attribute, z.ZodType>();

/**
 * The zod schema for a whole attribute value (array for multi-valued attributes), derived from the
 * attribute definition (RFC 7643 §2.3, §2.4). Multi-valued attributes allow one `primary: true` at most.
 */
export function valueSchema(attribute: Attribute): z.ZodType {
  let schema = cache.get(attribute);
  if (!schema) {
    const item = attribute.multiValued ? itemSchema(attribute) : scalarSchema(attribute);
    schema = attribute.multiValued
      ? z.preprocess(
          (v) => (Array.isArray(v) ? v.filter((x) => x !== null) : v),
          z.array(item).refine(onlyOnePrimary, "at most one value may have primary true"),
        )
      : item;
    cache.set(attribute, schema);
  }
  return schema;
}

/** The zod schema for one element of a multi-valued attribute, or the value of a singular one. */
export function itemSchema(attribute: Attribute): z.ZodType {
  if (!attribute.multiValued) return valueSchema(attribute);
  let schema = itemCache.get(attribute);
  if (!schema) {
    schema = scalarSchema(attribute);
    itemCache.set(attribute, schema);
  }
  return schema;
}

const describe = (path: readonly PropertyKey[]) =>
  path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, "");

/** Turns the first zod issue into a 400 invalidValue whose detail names the attribute (RFC 7644 §3.12). */
export function zodToScimError(error: z.ZodError, prefix: string): ScimError {
  const issue = error.issues[0];
  if (!issue) return new ScimError("invalidValue", `Attribute '${prefix}' is invalid.`);
  const where = describe([...(prefix ? [prefix] : []), ...issue.path]);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `'${where ? `${where}.` : ""}${k}'`).join(", ");
    return new ScimError("invalidValue", `Unknown attribute ${keys}: not defined by the resource's schemas.`);
  }
  return new ScimError("invalidValue", `Attribute '${where}': ${issue.message}.`);
}
