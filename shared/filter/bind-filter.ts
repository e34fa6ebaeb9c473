import type { Attribute } from "../schema/attribute.js";
import { compareScalars, normalizeScalar } from "../schema/compare-values.js";
import { enterpriseUserSchema } from "../schema/enterprise-user-schema.js";
import { groupSchema } from "../schema/group-schema.js";
import {
  findAttribute,
  type ResolvedPath,
  resolvePath,
  resolveSubAttributePath,
} from "../schema/resolve-path.js";
import type { ResourceType } from "../schema/resource-type.js";
import { userSchema } from "../schema/user-schema.js";
import type { AttributePath, Comparison, ComparisonOperator, Filter, Presence, ValuePath } from "./ast.js";
import type { BoundFilter, ValueLocation } from "./bound-filter.js";
import { coerceFilterValue, comparisonTest, storedType } from "./coerce-filter-value.js";
import { invalidFilter } from "./invalid-filter.js";

/** Attributes kept in another container; filters on them are handed back as `external` nodes. */
const EXTERNAL: Readonly<Record<ResourceType["id"], readonly string[]>> = {
  User: ["groups"],
  Group: ["members"],
};
/** The only `meta` sub-attributes the store keeps; the rest are computed when a resource is rendered. */
const STORED_META: ReadonlySet<string> = new Set(["created", "lastModified"]);

const subOf = (attributes: readonly Attribute[], parent: string, sub: string) =>
  findAttribute(findAttribute(attributes, parent)?.subAttributes, sub);
/**
 * Sub-attributes written when a resource is rendered, not kept where a filter reads: the manager's
 * `$ref` (built from its value), and the `$ref` and `display` of a user's `groups` and the `$ref` of
 * a group's `members` (memberships keep ids and types only). A test on them would answer from no
 * value (or from a `$ref` a client once sent) while the resource returned shows another.
 */
const RENDERED: ReadonlySet<Attribute> = new Set(
  [
    subOf(enterpriseUserSchema.attributes, "manager", "$ref"),
    subOf(userSchema.attributes, "groups", "$ref"),
    subOf(userSchema.attributes, "groups", "display"),
    subOf(groupSchema.attributes, "members", "$ref"),
  ].filter((sub) => sub !== undefined),
);

/** Where the tests of one expression are evaluated: the document, or the element of a multi-valued attribute. */
interface Scope {
  scope: "document" | "element";
  prefix: readonly string[];
}

const DOCUMENT: Scope = { scope: "document", prefix: [] };
const ELEMENT: Scope = { scope: "element", prefix: [] };

const pathText = (path: AttributePath) =>
  `${path.uri !== undefined ? `${path.uri}:` : ""}${path.attribute}${path.sub !== undefined ? `.${path.sub}` : ""}`;
const at = (position: number) => `at position ${position} of the filter`;

function checkStored(parent: Attribute | undefined, attribute: Attribute, name: string, position: number) {
  if (attribute.returned === "never") {
    throw invalidFilter(
      `The attribute "${name}" is never returned and cannot be filtered on ${at(position)}`,
    );
  }
  if (parent?.name === "meta" && !STORED_META.has(attribute.name)) {
    throw invalidFilter(
      `The attribute "${name}" is not stored and cannot be filtered on ${at(position)}; only meta.resourceType, meta.created and meta.lastModified can`,
    );
  }
  if (RENDERED.has(attribute)) {
    throw invalidFilter(
      `The attribute "${name}" is derived when the resource is returned and cannot be filtered on ${at(position)}; filter on the value (the id) instead`,
    );
  }
}

function locate(scope: Scope, keys: readonly string[]): ValueLocation {
  // `id` is the Cosmos item id itself; it is caseExact, so the raw value is the comparison form.
  if (scope.scope === "document" && keys.length === 1 && keys[0] === "id") return { scope: "id" };
  return { scope: scope.scope, keys: [...scope.prefix, ...keys] };
}

const locateScope = (scope: Scope, keys: readonly string[]): Scope => ({
  scope: scope.scope,
  prefix: [...scope.prefix, ...keys],
});

const or = (filters: BoundFilter[]): BoundFilter =>
  filters.reduce((left, right) => ({ kind: "or", left, right }));

/** `pr` on a complex value: RFC 7644 §3.4.2.2 asks for "a non-empty node", i.e. some sub-attribute present. */
function complexPresence(attribute: Attribute, scope: Scope, name: string, position: number): BoundFilter {
  const subs = (attribute.subAttributes ?? []).filter(
    (sub) => sub.returned !== "never" && (attribute.name !== "meta" || STORED_META.has(sub.name)),
  );
  if (subs.length === 0)
    throw invalidFilter(`The attribute "${name}" has no sub-attribute to test ${at(position)}`);
  return or(
    subs.map((sub) => ({ kind: "present", location: locate(scope, [sub.name]), type: storedType(sub) })),
  );
}

/**
 * Places a test on `attribute` (stored at `keys` in `scope`): multi-valued attributes get RFC 7644
 * §3.4.2.2 semantics, "some element passes", with `elementKeys` leading from the element to the value.
 */
function place(
  attribute: Attribute,
  keys: readonly string[],
  scope: Scope,
  elementKeys: readonly string[],
  test: (location: ValueLocation) => BoundFilter,
): BoundFilter {
  if (!attribute.multiValued) return test(locate(scope, [...keys, ...elementKeys]));
  return { kind: "any", keys: [...scope.prefix, ...keys], filter: test(locate(ELEMENT, elementKeys)) };
}

function bindPresence(
  attribute: Attribute,
  sub: Attribute | undefined,
  keys: readonly string[],
  scope: Scope,
  name: string,
  position: number,
): BoundFilter {
  if (!sub && attribute.type === "complex") {
    if (!attribute.multiValued) return complexPresence(attribute, locateScope(scope, keys), name, position);
    return {
      kind: "any",
      keys: [...scope.prefix, ...keys],
      filter: complexPresence(attribute, ELEMENT, name, position),
    };
  }
  const type = storedType(sub ?? attribute);
  return place(attribute, keys, scope, sub ? [sub.name] : [], (location) => ({
    kind: "present",
    location,
    type,
  }));
}

/**
 * Binds `pr` or a comparison on `attribute` (optionally narrowed to `sub`), whose value is stored
 * at `keys` (the attribute's own keys, without the sub-attribute) in `scope`.
 */
function bindTest(
  test: Comparison | Presence,
  attribute: Attribute,
  sub: Attribute | undefined,
  keys: readonly string[],
  scope: Scope,
  name: string,
  parent?: Attribute,
): BoundFilter {
  if (test.kind === "present") return bindPresence(attribute, sub, keys, scope, name, test.position);
  const { op, value, position } = test;
  if (value === null) {
    // `attr eq null` is "attr has no value" and `attr ne null` is "attr has a value" (RFC 7643 §2.5
    // treats null as unassigned), so both reduce to `pr`.
    if (op !== "eq" && op !== "ne")
      throw invalidFilter(`Only "eq" and "ne" can compare "${name}" with null ${at(position)}`);
    const present = bindPresence(attribute, sub, keys, scope, name, position);
    return op === "eq" ? { kind: "not", filter: present } : present;
  }
  let leaf = sub ?? attribute;
  if (leaf.type === "complex") {
    // A bare complex attribute compares by its `value` (Entra's `manager eq "id"`, RFC's `emails co "x"`).
    const valueAttribute = findAttribute(leaf.subAttributes, "value");
    if (!valueAttribute) {
      throw invalidFilter(
        `The complex attribute "${name}" cannot be compared; compare one of its sub-attributes ${at(position)}`,
      );
    }
    leaf = valueAttribute;
  }
  // The complex attribute `leaf` belongs to, if any: `roles` in `roles.value`, `roles eq` and `roles[value eq]`.
  const holder = leaf !== attribute ? attribute : parent;
  const asked = comparisonTest(leaf, holder, op, value, name, position);
  const type = storedType(leaf);
  return place(attribute, keys, scope, leaf === attribute ? [] : [leaf.name], (location) =>
    typeof asked === "boolean"
      ? { kind: "constant", value: asked }
      : { kind: "compare", op: asked.op, location, type, value: asked.value },
  );
}

/**
 * Binds a filter inside `parent[...]`, where paths name sub-attributes of `parent` (`type`,
 * `emails.type`, either behind the URN of `schema`, the schema defining `parent`): the names a
 * PATCH path's value filter takes too (bind-value-filter.ts).
 */
function bindInside(
  filter: Filter,
  parent: Attribute,
  schema: string,
  scope: Scope,
  parentName: string,
): BoundFilter {
  switch (filter.kind) {
    case "and":
    case "or":
      return {
        kind: filter.kind,
        left: bindInside(filter.left, parent, schema, scope, parentName),
        right: bindInside(filter.right, parent, schema, scope, parentName),
      };
    case "not":
      return { kind: "not", filter: bindInside(filter.filter, parent, schema, scope, parentName) };
    case "valuePath":
      throw invalidFilter(
        `Value filters cannot be nested inside "${parentName}[...]" ${at(filter.position)}`,
      );
    default: {
      const { path } = filter;
      const name = `${parentName}.${pathText(path)}`;
      const found = resolveSubAttributePath(parent, schema, path);
      if ("problem" in found) {
        throw invalidFilter(
          found.problem === "schema"
            ? `The name "${name}" names the schema "${path.uri}", but "${parentName}" belongs to "${schema}" ${at(filter.position)}`
            : `Unknown attribute "${name}" ${at(filter.position)}`,
        );
      }
      const sub = found.subAttribute;
      checkStored(parent, sub, name, filter.position);
      return bindTest(filter, sub, undefined, [sub.name], scope, name, parent);
    }
  }
}

function bindValuePath(
  filter: ValuePath,
  resolved: ResolvedPath,
  resourceType: ResourceType,
  name: string,
): BoundFilter {
  const { attribute, keys } = resolved;
  const schema = resolved.extension?.id ?? resourceType.core.id;
  if (resolved.subAttribute || attribute.type !== "complex") {
    throw invalidFilter(
      `A value filter needs a complex attribute, but "${name}" is not one ${at(filter.position)}`,
    );
  }
  // Multi-valued: the bracket filter and the trailing test must hold for the SAME element.
  const scope = attribute.multiValued ? ELEMENT : locateScope(DOCUMENT, keys);
  const inner = bindInside(filter.filter, attribute, schema, scope, name);
  const both: BoundFilter = filter.test
    ? { kind: "and", left: inner, right: bindInside(filter.test, attribute, schema, scope, name) }
    : inner;
  return attribute.multiValued ? { kind: "any", keys, filter: both } : both;
}

/** The keys of the attribute itself, without the sub-attribute. */
const attributeKeys = (resolved: ResolvedPath) =>
  resolved.subAttribute ? resolved.keys.slice(0, -1) : resolved.keys;

function resolve(path: AttributePath, resourceType: ResourceType, position: number): ResolvedPath {
  const name = pathText(path);
  // resolvePath also finds a bare extension name (Entra's `manager`) in the first extension defining it.
  const resolved = resolvePath(resourceType, name);
  if (!resolved) throw invalidFilter(`Unknown attribute "${name}" ${at(position)}`);
  if (resolved.subAttribute) checkStored(resolved.attribute, resolved.subAttribute, name, position);
  else checkStored(undefined, resolved.attribute, name, position);
  return resolved;
}

/**
 * RFC 7644 §3.4.2.1: at the server root, "for filtered attributes that are not part of a particular
 * resource type, the service provider SHALL treat the attribute as if there is no attribute value":
 * `ne` holds, `eq null` holds, every other test fails.
 */
function absent(filter: Exclude<Filter, { kind: "and" | "or" | "not" }>): BoundFilter {
  if (filter.kind !== "comparison") return { kind: "constant", value: false };
  const value = filter.value === null ? filter.op === "eq" : filter.op === "ne";
  return { kind: "constant", value };
}

const isResourceTypeMeta = (resolved: ResolvedPath) =>
  !resolved.extension && resolved.attribute.name === "meta" && resolved.subAttribute?.name === "resourceType";

/**
 * A test on an attribute that is not stored but always has a value, decided here by `decide`: `pr`
 * holds, `eq null` fails and `ne null` holds, other operators refuse null.
 */
function decidedTest(
  test: Comparison | Presence,
  name: string,
  decide: (op: ComparisonOperator, value: string | number | boolean, position: number) => BoundFilter,
): BoundFilter {
  if (test.kind === "present") return { kind: "constant", value: true };
  const { op, value, position } = test;
  if (value === null) {
    if (op !== "eq" && op !== "ne")
      throw invalidFilter(`Only "eq" and "ne" can compare "${name}" with null ${at(position)}`);
    return { kind: "constant", value: op === "ne" };
  }
  return decide(op, value, position);
}

/**
 * `meta.resourceType` is not stored: every resource of one type has the same value (what
 * render-resource writes, the type's id), so a test on it is decided here. It is how a client
 * picks a type in a query at the server root (`filter=meta.resourceType eq "User"`).
 */
const resourceTypeTest = (
  test: Comparison | Presence,
  attribute: Attribute,
  resourceType: ResourceType,
  name: string,
) =>
  decidedTest(test, name, (op, value, position) => ({
    kind: "constant",
    value: compareScalars(
      op,
      normalizeScalar(attribute, resourceType.id),
      coerceFilterValue(attribute, op, value, name, position),
    ),
  }));

const isSchemas = (path: AttributePath) =>
  path.uri === undefined && path.sub === undefined && path.attribute.toLowerCase() === "schemas";

/**
 * `schemas` is not stored: a resource lists its core schema and each extension it carries (what
 * render-resource writes). So a test on it is decided per schema URI here, "some value passes" as
 * for any multi-valued attribute: the core schema passing makes it true, an extension passing makes
 * it "the resource carries that extension". URIs compare case-insensitively, as attribute URNs do
 * (RFC 7643 §2.1). This is how a client picks resources by extension (RFC 7644 §3.4.2.2's
 * `filter=schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`) or, at the
 * server root, by type.
 */
function schemasTest(
  filter: Comparison | Presence | ValuePath,
  resourceType: ResourceType,
  name: string,
): BoundFilter {
  if (filter.kind === "valuePath") {
    throw invalidFilter(
      `A value filter needs a complex attribute, but "${name}" is a list of schema URIs ${at(filter.position)}`,
    );
  }
  return decidedTest(filter, name, (op, value, position) => {
    if (typeof value !== "string") {
      throw invalidFilter(
        `The attribute "${name}" holds schema URIs: compare it with a string ${at(position)}`,
      );
    }
    const passes = (uri: string) => compareScalars(op, uri.toLowerCase(), value.toLowerCase());
    if (passes(resourceType.core.id)) return { kind: "constant", value: true };
    const carried = resourceType.extensions
      .filter(({ schema }) => passes(schema.id))
      .map(
        ({ schema }): BoundFilter => ({
          kind: "present",
          location: { scope: "document", keys: [schema.id] },
          type: "object",
        }),
      );
    return carried.length > 0 ? or(carried) : { kind: "constant", value: false };
  });
}

function bindTop(filter: Filter, resourceType: ResourceType, unknown?: Set<string>): BoundFilter {
  switch (filter.kind) {
    case "and":
    case "or":
      return {
        kind: filter.kind,
        left: bindTop(filter.left, resourceType, unknown),
        right: bindTop(filter.right, resourceType, unknown),
      };
    case "not":
      return { kind: "not", filter: bindTop(filter.filter, resourceType, unknown) };
    default: {
      const name = pathText(filter.path);
      if (isSchemas(filter.path)) return schemasTest(filter, resourceType, name);
      if (unknown && !resolvePath(resourceType, name)) {
        unknown.add(name);
        return absent(filter);
      }
      const found = resolvePath(resourceType, name);
      if (found?.subAttribute && isResourceTypeMeta(found) && filter.kind !== "valuePath") {
        return resourceTypeTest(filter, found.subAttribute, resourceType, name);
      }
      const resolved = resolve(filter.path, resourceType, filter.position);
      const bound =
        filter.kind === "valuePath"
          ? bindValuePath(filter, resolved, resourceType, name)
          : bindTest(
              filter,
              resolved.attribute,
              resolved.subAttribute,
              attributeKeys(resolved),
              DOCUMENT,
              name,
            );
      const external = !resolved.extension && EXTERNAL[resourceType.id].includes(resolved.attribute.name);
      return external ? { kind: "external", attribute: resolved.attribute.name, filter: bound } : bound;
    }
  }
}

/**
 * Checks a parsed filter against a resource type (RFC 7644 §3.4.2.2, attribute names
 * case-insensitive per RFC 7643 §2.1) and turns it into a {@link BoundFilter}: every path resolved
 * to canonical keys, every value coerced to the attribute's type and stored form, `attr eq null`
 * rewritten as `not (attr pr)`, a bare complex attribute compared by its `value`, multi-valued
 * tests made existential. Tests on User `groups` / Group `members` become `external` nodes.
 * Throws ScimError `invalidFilter` for unknown, unstored or never-returned attributes and for
 * operators or values the attribute's type does not allow.
 */
export function bindFilter(filter: Filter, resourceType: ResourceType): BoundFilter {
  return bindTop(filter, resourceType);
}

/**
 * `bindFilter` for a query across resource types (RFC 7644 §3.4.2.1): an attribute this type does
 * not have is no value here (see `absent`) and its name is added to `unknown`, so the caller can
 * refuse a name that no type has.
 */
export function bindFilterAcross(
  filter: Filter,
  resourceType: ResourceType,
  unknown: Set<string>,
): BoundFilter {
  return bindTop(filter, resourceType, unknown);
}
