import fc from "fast-check";
import type {
  AttributePath,
  Comparison,
  ComparisonOperator,
  ComparisonValue,
  Filter,
  Presence,
} from "../../../shared/filter/ast.js";
import type { ScimObject } from "../../../shared/schema/scim-json.js";
import { ENTERPRISE, path } from "./filter-builders.js";

/** fast-check generators of User resources and of filters that bind against the User schema. */

const ALL: ComparisonOperator[] = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];
const ORDERING: ComparisonOperator[] = ["eq", "ne", "gt", "ge", "lt", "le"];
const EQUALITY: ComparisonOperator[] = ["eq", "ne"];

/** Short strings over a tiny mixed-case alphabet, so that values collide and case matters. */
export const text = fc.string({
  unit: fc.constantFrom("a", "A", "b", "B", "é", "É", "@", '"'),
  maxLength: 3,
});
/** Item ids: unique, mixed case (id is caseExact). */
export const ids = Array.from({ length: 16 }, (_, i) => (i % 2 ? `U${i}` : `u${i}`));
const dates = [
  "2024-01-01T00:00:00Z",
  "2024-01-01T00:00:00.000Z",
  "2024-06-30T12:00:00+02:00",
  "2023-12-31T23:59:59.999Z",
  "2025-01-01",
];
const date = fc.constantFrom(...dates);

const email = fc.record(
  {
    type: fc.constantFrom("work", "Work", "home", "other"),
    value: text,
    primary: fc.boolean(),
    display: text,
  },
  { requiredKeys: [] },
);

/**
 * A User as a client sent it: any attribute may be absent, strings have mixed case, and a few values
 * have the wrong JSON type or are null, which the SQL must treat exactly as the evaluator does.
 */
export const userResource: fc.Arbitrary<ScimObject> = fc.record(
  {
    externalId: text,
    userName: text,
    displayName: fc.oneof({ weight: 4, arbitrary: text }, fc.constant(null), fc.integer({ min: 0, max: 2 })),
    title: fc.oneof(text, fc.constant("")),
    active: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, fc.constant("true")),
    emails: fc.oneof({ weight: 6, arbitrary: fc.array(email, { maxLength: 3 }) }, fc.constant(null)),
    name: fc.record({ familyName: text, givenName: text }, { requiredKeys: [] }),
    [ENTERPRISE]: fc.record(
      { department: text, manager: fc.record({ value: text, displayName: text }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
    meta: fc.record({ created: date, lastModified: date }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

interface Spec {
  path: AttributePath;
  ops: ComparisonOperator[];
  value: fc.Arbitrary<ComparisonValue>;
}

const stringValue = fc.oneof({ weight: 6, arbitrary: text }, fc.constant(null));
const booleanValue = fc.constantFrom<ComparisonValue>(true, false, "True", "false", null);
const dateValue = fc.oneof({ weight: 6, arbitrary: date }, fc.constant(null));

const topSpecs: Spec[] = [
  { path: path("userName"), ops: ALL, value: stringValue },
  { path: path("displayName"), ops: ALL, value: stringValue },
  { path: path("title"), ops: ALL, value: stringValue },
  { path: path("externalId"), ops: ALL, value: stringValue },
  { path: path("id"), ops: ALL, value: fc.constantFrom(...ids, "u", "U") },
  { path: path("name.familyName"), ops: ALL, value: stringValue },
  { path: path("emails"), ops: ALL, value: stringValue },
  { path: path("emails.value"), ops: ALL, value: stringValue },
  { path: path("emails.type"), ops: ALL, value: fc.constantFrom("work", "WORK", "home", "o") },
  { path: path("emails.primary"), ops: EQUALITY, value: booleanValue },
  { path: path("active"), ops: EQUALITY, value: booleanValue },
  { path: path("department", ENTERPRISE), ops: ALL, value: stringValue },
  { path: path("manager"), ops: ALL, value: stringValue },
  { path: path("manager.value", ENTERPRISE), ops: ALL, value: stringValue },
  { path: path("meta.created"), ops: ORDERING, value: dateValue },
  { path: path("meta.lastModified"), ops: ORDERING, value: dateValue },
  // Not stored: decided per schema URI, an extension's by the presence of its object.
  {
    path: path("schemas"),
    ops: ALL,
    value: fc.oneof(
      fc.constantFrom("urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE, ENTERPRISE.toUpperCase()),
      fc.constantFrom("extension", "urn:", ":User", "zz"),
      stringValue,
    ),
  },
];
const presentOnly = [path("name"), path("emails"), path("manager"), path("meta"), path("schemas")];

const emailSpecs: Spec[] = [
  { path: path("type"), ops: ALL, value: fc.constantFrom("work", "WORK", "home", "o") },
  { path: path("value"), ops: ALL, value: stringValue },
  { path: path("display"), ops: ALL, value: stringValue },
  { path: path("primary"), ops: EQUALITY, value: booleanValue },
];

/** Attribute names are case-insensitive: sometimes shout them. */
const casing = (p: AttributePath) =>
  fc.boolean().map((upper) => (upper ? { ...p, attribute: p.attribute.toUpperCase() } : p));

function test(specs: Spec[], presence: AttributePath[]): fc.Arbitrary<Comparison | Presence> {
  const comparison = fc
    .constantFrom(...specs)
    .chain((spec) => fc.tuple(casing(spec.path), fc.constantFrom(...spec.ops), spec.value))
    .map(
      ([p, op, value]): Comparison => ({
        kind: "comparison",
        // Only eq/ne may compare with null.
        op: value === null && op !== "ne" ? "eq" : op,
        path: p,
        value,
        position: 1,
      }),
    );
  const present = fc
    .constantFrom(...specs.map((s) => s.path), ...presence)
    .chain(casing)
    .map((p): Presence => ({ kind: "present", path: p, position: 1 }));
  return fc.oneof({ weight: 4, arbitrary: comparison }, present);
}

/** and / or / not trees over `leaf`. */
export function tree(leaf: fc.Arbitrary<Filter>, maxDepth: number): fc.Arbitrary<Filter> {
  const { node } = fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { maxDepth, depthSize: "small" },
      leaf,
      fc.record({
        kind: fc.constantFrom("and" as const, "or" as const),
        left: tie("node"),
        right: tie("node"),
      }),
      fc.record({ kind: fc.constant("not" as const), filter: tie("node") }),
    ),
  }));
  return node;
}

const emailValuePath: fc.Arbitrary<Filter> = fc
  .tuple(tree(test(emailSpecs, []), 1), fc.option(test(emailSpecs.slice(0, 2), []), { nil: undefined }))
  .map(([filter, trailing]) => ({
    kind: "valuePath",
    path: path("emails"),
    filter,
    ...(trailing ? { test: trailing } : {}),
    position: 1,
  }));

const managerValuePath: fc.Arbitrary<Filter> = stringValue.map((value) => ({
  kind: "valuePath",
  path: path("manager"),
  filter: { kind: "comparison", op: "eq", path: path("value"), value, position: 1 },
  position: 1,
}));

const leaf = fc.oneof(
  { weight: 6, arbitrary: test(topSpecs, presentOnly) },
  { weight: 2, arbitrary: emailValuePath },
  managerValuePath,
);

/** Filters over the User schema that always bind: every operator, and/or/not, value paths. */
export const userFilter = (maxDepth: number): fc.Arbitrary<Filter> => tree(leaf, maxDepth);
