import type { Attribute } from "./attribute.js";
import type { ScimValue } from "./scim-json.js";

/**
 * The one place that decides how SCIM values compare (RFC 7643 §2.2 caseExact, §2.3.5 dateTime;
 * RFC 7644 §3.4.2.2 operators). The stored comparison copy (`normalized`), filter literals, PATCH
 * value filters and PATCH value matching all go through these functions, so `eq` cannot mean one
 * thing in a query and another in a PATCH.
 */

/** RFC 7643 §2.1: attribute names and URNs are case-insensitive; so are caseExact=false values. */
export const foldCase = (text: string): string => text.toLowerCase();

/** Whether two attribute names (or schema URNs) are the same name. */
export const sameName = (a: string, b: string): boolean => foldCase(a) === foldCase(b);

export type Scalar = string | number | boolean;

/** A boolean, or Entra's string form of one ("True", "false": sent without aadOptscim062020). */
export function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const text = typeof value === "string" ? foldCase(value.trim()) : "";
  return text === "true" ? true : text === "false" ? false : undefined;
}

/** The comparison operators of RFC 7644 §3.4.2.2, lower-cased. */
export type ComparisonOperator = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";

/** Whether values of `attribute` are compared case-insensitively (caseExact=false text). */
export const foldsCase = (attribute: Attribute): boolean =>
  !attribute.caseExact && (attribute.type === "string" || attribute.type === "reference");

/**
 * A value of `attribute` in comparison form: caseExact=false text lower-cased, a dateTime as the
 * UTC ISO instant (so equal instants are equal strings and order as instants), anything else as is.
 * A string that is not a date stays as it is, so nothing a client stored is ever lost to this.
 */
export function normalizeScalar<T extends ScimValue>(attribute: Attribute, value: T): T | string {
  if (typeof value !== "string") return value;
  if (attribute.type === "dateTime") return instant(value) ?? value;
  return foldsCase(attribute) ? foldCase(value) : value;
}

const DATE_FIELDS = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2}))?)?/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether the date and time fields at the start of an ISO 8601 / RFC 3339 string exist on the
 * calendar and the clock: `Date.parse` rolls "2024-02-30" over to March 1 and "T24:00" to the next
 * midnight, so a value a client never meant would be stored and compared.
 */
export function hasRealDateFields(text: string): boolean {
  const fields = DATE_FIELDS.exec(text);
  if (!fields) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields
    .slice(1)
    .map((field) => (field === undefined ? undefined : Number(field)));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59;
}

/**
 * Whether a date-time string names an instant in the years 0000-9999 UTC. Comparison forms are
 * `toISOString` text, compared and sorted as text; outside those years it writes a sign and six
 * digits (`9999-12-31T23:00:00-02:00` is `+010000-01-01T01:00:00.000Z`), text that sorts before
 * `2024-…`, so `gt "2024-01-01"` would miss that later instant (RFC 7643 §2.3.5: chronological).
 */
export function inFourDigitYears(text: string): boolean {
  const form = instant(text);
  return form !== undefined && /^\d{4}-/.test(form);
}

// A date and time without an offset, which ECMAScript reads in the server's time zone.
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * A date-time string as its UTC ISO instant, or undefined when it is not a date. Without an offset
 * it is UTC, as a bare date already is: read in the server's time zone, `meta.created gt
 * "2026-01-01T00:00:00"` would select other resources on a host in another zone.
 */
function instant(text: string): string | undefined {
  const time = Date.parse(NO_OFFSET.test(text) ? `${text}Z` : text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * A stored value of a simple `attribute` in comparison form, or undefined when it has no value of
 * the attribute's JSON type (absent, null, a complex value, a wrongly typed value).
 */
export function comparisonForm(attribute: Attribute, value: ScimValue | undefined): Scalar | undefined {
  switch (attribute.type) {
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "integer":
    case "decimal":
      return typeof value === "number" ? value : undefined;
    case "dateTime":
      return typeof value === "string" ? instant(value) : undefined;
    case "complex":
      return undefined;
    default:
      return typeof value === "string" ? normalizeScalar(attribute, value) : undefined;
  }
}

function order(op: ComparisonOperator, x: Scalar, v: Scalar): boolean {
  switch (op) {
    case "eq":
      return x === v;
    case "ne":
      return x !== v;
    case "gt":
      return x > v;
    case "ge":
      return x >= v;
    case "lt":
      return x < v;
    case "le":
      return x <= v;
    default:
      return false;
  }
}

/**
 * RFC 7644 §3.4.2.2 comparison of a value in comparison form with a literal in comparison form.
 * Two-valued, as Cosmos DB's NOT-free SQL: a missing value, or one of another JSON type, fails
 * every test except `ne`. `co`/`sw`/`ew` hold for text only.
 */
export function compareScalars(op: ComparisonOperator, x: unknown, v: Scalar): boolean {
  if (typeof x !== typeof v || (typeof x !== "string" && typeof x !== "number" && typeof x !== "boolean")) {
    return op === "ne";
  }
  if (typeof x === "string" && typeof v === "string") {
    if (op === "co") return x.includes(v);
    if (op === "sw") return x.startsWith(v);
    if (op === "ew") return x.endsWith(v);
  }
  return order(op, x, v);
}

/** Structural equality of JSON values; key order does not matter, array order does. */
export function scimEquals(a: ScimValue | undefined, b: ScimValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => scimEquals(item, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && scimEquals(a[key], b[key]));
}

/** JSON with object keys sorted: equal exactly when `scimEquals` holds, so values can key a Set. */
export function canonicalJson(value: ScimValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/**
 * Whether two values of `attribute` are the same value (RFC 7643 §2.2): simple values in
 * comparison form, everything else structurally.
 */
export function sameValue(
  attribute: Attribute | undefined,
  a: ScimValue | undefined,
  b: ScimValue | undefined,
): boolean {
  if (attribute && attribute.type !== "complex") {
    const [x, y] = [comparisonForm(attribute, a), comparisonForm(attribute, b)];
    if (x !== undefined && y !== undefined) return x === y;
  }
  return scimEquals(a, b);
}
