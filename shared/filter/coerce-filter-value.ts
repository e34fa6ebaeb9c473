import type { Attribute } from "../schema/attribute.js";
import {
  booleanOf,
  type ComparisonOperator,
  hasRealDateFields,
  inFourDigitYears,
  normalizeScalar,
  type Scalar,
} from "../schema/compare-values.js";
import { unwrapJsonRole } from "../schema/value-schema.js";
import type { ValueType } from "./bound-filter.js";
import { invalidFilter, quote } from "./invalid-filter.js";

const EQUALITY: readonly ComparisonOperator[] = ["eq", "ne"];
const ORDERING: readonly ComparisonOperator[] = ["eq", "ne", "gt", "ge", "lt", "le"];
const ALL: readonly ComparisonOperator[] = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];

// RFC 7644 §3.4.2.2: gt/ge/lt/le on boolean or binary attributes is invalidFilter; co/sw/ew only
// make sense on text.
const ALLOWED: Readonly<Record<Attribute["type"], readonly ComparisonOperator[]>> = {
  string: ALL,
  reference: ALL,
  boolean: EQUALITY,
  binary: EQUALITY,
  integer: ORDERING,
  decimal: ORDERING,
  dateTime: ORDERING,
  complex: [],
};

// ISO 8601 / RFC 3339 shapes only: Date.parse alone would take "1" or "March 7" as dates.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** The JSON type under which values of a simple `attribute` (RFC 7643 §2.3 data types) are stored. */
export function storedType(attribute: Attribute): ValueType {
  if (attribute.type === "boolean") return "boolean";
  if (attribute.type === "integer" || attribute.type === "decimal") return "number";
  return "string";
}

/**
 * Checks that `op` applies to the simple attribute and turns the literal into the comparison form
 * the store keeps in `normalized` (RFC 7644 §3.4.2.2): lower-cased when caseExact=false, dates as
 * ISO instants, Entra's string booleans ("True") as booleans.
 */
export function coerceFilterValue(
  attribute: Attribute,
  op: ComparisonOperator,
  value: string | number | boolean,
  name: string,
  position: number,
): string | number | boolean {
  const where = `at position ${position} of the filter`;
  if (!ALLOWED[attribute.type].includes(op)) {
    throw invalidFilter(
      `The operator "${op}" cannot be used on the ${attribute.type} attribute "${name}" ${where}`,
    );
  }
  const wrong = (what: string) =>
    invalidFilter(
      `The attribute "${name}" needs ${what}, found ${typeof value === "string" ? quote(value) : String(value)} ${where}`,
    );
  switch (attribute.type) {
    case "boolean": {
      const parsed = booleanOf(value);
      if (parsed === undefined) throw wrong("true or false");
      return parsed;
    }
    case "integer":
    case "decimal":
      if (typeof value !== "number") throw wrong("a number");
      return value;
    case "dateTime": {
      const time =
        typeof value === "string" && DATE_TIME.test(value) && hasRealDateFields(value)
          ? Date.parse(value)
          : Number.NaN;
      if (Number.isNaN(time)) throw wrong("an ISO 8601 date-time string");
      // Stored instants are UTC ISO text, which orders as the instants only in these years.
      if (typeof value === "string" && !inFourDigitYears(value))
        throw wrong("a date-time in the years 0000 to 9999 UTC");
      return normalizeScalar(attribute, value);
    }
    default:
      if (typeof value !== "string") throw wrong("a string");
      return normalizeScalar(attribute, value);
  }
}

// The fraction of a second past its milliseconds: ".1234567" -> "4567".
const FINER_THAN_MS = /[Tt ]\d{2}:\d{2}:\d{2}\.\d{3}(\d+)/;

/**
 * The test a dateTime comparison makes of the millisecond instant its literal is kept as
 * (`toISOString`, which cuts finer digits: .NET's round-trip format writes seven). A literal
 * finer than that lies strictly between two stored instants, so cut to its millisecond `t` it
 * asks: `ge` is `gt t`, `lt` is `le t` (`gt` and `le` are unchanged), `eq` holds for no stored
 * value and `ne`, its complement, for all. RFC 7643 §2.3.5: dateTimes compare as instants.
 */
export function dateTimeTest(op: ComparisonOperator, literal: string): ComparisonOperator | boolean {
  const finer = FINER_THAN_MS.exec(literal)?.[1];
  if (finer === undefined || /^0+$/.test(finer)) return op;
  switch (op) {
    case "eq":
      return false;
    case "ne":
      return true;
    case "ge":
      return "gt";
    case "lt":
      return "le";
    default:
      return op;
  }
}

/**
 * What `attribute op literal` asks of a stored value in comparison form (RFC 7644 §3.4.2.2): the
 * operator and the literal in comparison form, or the answer itself when a dateTime literal finer
 * than a millisecond decides it (`dateTimeTest`). `holder` is the complex attribute `attribute`
 * belongs to, if any. Queries and PATCH value filters both bind their comparisons here, so
 * `emails[...]` selects the same elements in a PATCH path as in a filter.
 */
export function comparisonTest(
  attribute: Attribute,
  holder: Attribute | undefined,
  op: ComparisonOperator,
  value: string | number | boolean,
  name: string,
  position: number,
): { op: ComparisonOperator; value: Scalar } | boolean {
  const stored =
    holder?.name === "roles" && attribute.name === "value" && typeof value === "string"
      ? // Entra's app role as a JSON document: stored as the role it describes (value-schema.ts).
        (unwrapJsonRole({ value }).value as string)
      : value;
  const literal = coerceFilterValue(attribute, op, stored, name, position);
  const asked = attribute.type === "dateTime" && typeof stored === "string" ? dateTimeTest(op, stored) : op;
  return typeof asked === "boolean" ? asked : { op: asked, value: literal };
}
