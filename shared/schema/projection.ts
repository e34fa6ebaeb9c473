import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "./attribute.js";
import { sameName } from "./compare-values.js";
import { findAttribute, resolvePath, splitSchemaUrn } from "./resolve-path.js";
import type { ResourceType } from "./resource-type.js";
import { isObject, type ScimObject, type ScimValue } from "./scim-json.js";

/** RFC 7644 §3.9 `attributes` / `excludedAttributes`, resolved to canonical paths ("urn|name|sub"). */
export interface Projection {
  attributes: ReadonlySet<string> | undefined;
  excluded: ReadonlySet<string>;
}

const SEP = "|";

/** Splits on commas outside brackets and quotes (a value filter may hold either). */
function splitList(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === "[") depth++;
    else if (ch === "]") depth = Math.max(0, depth - 1);
    else if (ch === "," && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  out.push(list.slice(start));
  return out;
}

/**
 * The entries of an `attributes`/`excludedAttributes` list, each as given and with the attribute
 * name it asks for: Microsoft's SCIM reference tests send `emails[type eq "work"]`, and the
 * attribute is what is asked.
 */
export function listEntries(list: string | undefined): { entry: string; name: string }[] {
  return splitList(list ?? "").flatMap((raw) => {
    const entry = raw.trim();
    const name = entry.replace(/\[[^\]]*\]/, "");
    return name ? [{ entry, name }] : [];
  });
}

/**
 * The canonical path ("urn|name|sub") a listed name asks for in `resourceType`, or undefined when
 * it names nothing there. `schemas` is an attribute of every resource (RFC 7643 §3), always
 * returned: naming it asks for nothing more ("").
 */
export function projectionPath(resourceType: ResourceType, name: string): string | undefined {
  if (sameName(name, "schemas")) return "";
  const split = splitSchemaUrn(resourceType, name);
  if (split && split.rest === "" && split.schema !== resourceType.core) return split.schema.id;
  const resolved = resolvePath(resourceType, name);
  if (!resolved) return undefined;
  return [resolved.extension?.id ?? "", ...resolved.keys.slice(resolved.extension ? 1 : 0)].join(SEP);
}

/** The canonical paths a list names, or undefined when it names nothing. */
function resolveList(
  resourceType: ResourceType,
  list: string | undefined,
  param: string,
): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const { name } of listEntries(list)) {
    out ??= new Set();
    const path = projectionPath(resourceType, name);
    if (path === undefined) throw new ScimError("invalidValue", `Unknown attribute '${name}' in '${param}'.`);
    if (path) out.add(path);
  }
  return out;
}

/** Parses the query parameters; an unknown attribute name is a 400 that names it. */
export function parseProjection(
  resourceType: ResourceType,
  attributes: string | undefined,
  excludedAttributes: string | undefined,
): Projection {
  return {
    // `attributes=schemas` names only what is always returned: that, and nothing else.
    attributes: resolveList(resourceType, attributes, "attributes"),
    excluded: resolveList(resourceType, excludedAttributes, "excludedAttributes") ?? new Set(),
  };
}

/** Whether a top-level attribute will appear at all: lets callers skip reading what is not returned. */
export function isReturned(resourceType: ResourceType, projection: Projection, name: string): boolean {
  const attribute = findAttribute(resourceType.coreAttributes, name);
  if (!attribute) return false;
  return pick(attribute, "", projection, false) !== "none";
}

type Pick = "all" | "some" | "none";

function pick(attribute: Attribute, urn: string, projection: Projection, extensionAsked: boolean): Pick {
  if (attribute.returned === "never") return "none";
  if (attribute.returned === "always") return "all";
  const key = `${urn}${SEP}${attribute.name}`;
  const { attributes, excluded } = projection;
  if (attributes) {
    if (attributes.has(key) || extensionAsked) return "all";
    for (const k of attributes) if (k.startsWith(`${key}${SEP}`)) return "some";
    return "none";
  }
  if (attribute.returned === "request" || excluded.has(key) || excluded.has(urn)) return "none";
  for (const k of excluded) if (k.startsWith(`${key}${SEP}`)) return "some";
  return "all";
}

/**
 * Whether a sub-attribute is shown. `whole` is an attribute returned as a whole (named, or by
 * default), whose sub-attributes are all shown but those RFC 7643 §7 keeps back: `never` (a
 * writeOnly value) and `request` (only when named itself, as a top-level one must be).
 */
function keepSub(
  attribute: Attribute,
  sub: Attribute,
  urn: string,
  projection: Projection,
  whole: boolean,
): boolean {
  if (sub.returned === "never") return false;
  if (sub.returned === "always") return true;
  const key = `${urn}${SEP}${attribute.name}${SEP}${sub.name}`;
  if (sub.returned === "request") return projection.attributes?.has(key) ?? false;
  if (whole) return true;
  return projection.attributes ? projection.attributes.has(key) : !projection.excluded.has(key);
}

/**
 * Whether some sub-attribute is not shown with its attribute as a whole (`keepSub`). Kept per
 * definition: every value of every resource on a list page asks, and almost every answer is no.
 */
const withheldSubs = new WeakMap<Attribute, boolean>();
function hasWithheldSub(attribute: Attribute): boolean {
  let withheld = withheldSubs.get(attribute);
  if (withheld === undefined) {
    withheld = (attribute.subAttributes ?? []).some(
      (s) => s.returned === "never" || s.returned === "request",
    );
    withheldSubs.set(attribute, withheld);
  }
  return withheld;
}

/**
 * A complex value cut to the kept sub-attributes, or undefined when none of them has a value:
 * `name: {}` or `emails: [{}, {}]` (for `attributes=name.formatted`, `emails.display`) would show
 * values where the resource has none (RFC 7643 §2.5), so an emptied value is left out.
 */
function projectValue(
  attribute: Attribute,
  value: ScimObject[string],
  urn: string,
  projection: Projection,
  whole: boolean,
) {
  const filterObject = (o: ScimObject) => {
    const out: ScimObject = {};
    for (const [k, v] of Object.entries(o)) {
      const sub = findAttribute(attribute.subAttributes, k);
      if (!sub || keepSub(attribute, sub, urn, projection, whole)) out[k] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (!Array.isArray(value)) return isObject(value) ? filterObject(value) : value;
  const kept = value.flatMap((v) => (isObject(v) ? (filterObject(v) ?? []) : [v]));
  return kept.length > 0 ? kept : undefined;
}

function projectAttributes(
  attributes: readonly Attribute[],
  source: ScimObject,
  urn: string,
  projection: Projection,
  extensionAsked: boolean,
): ScimObject {
  const out: ScimObject = {};
  for (const [key, value] of Object.entries(source)) {
    const attribute = findAttribute(attributes, key);
    if (!attribute) continue;
    const choice = pick(attribute, urn, projection, extensionAsked);
    if (choice === "none") continue;
    const whole = choice === "all";
    if (whole && !hasWithheldSub(attribute)) {
      out[key] = value;
      continue;
    }
    const projected = projectValue(attribute, value, urn, projection, whole);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

/**
 * Applies RFC 7643 §2.4 `returned` rules and RFC 7644 §3.9 attribute selection to a rendered
 * resource. `schemas` and `returned: always` attributes (id) are always kept; `never` (password) never.
 */
export function projectResource(resourceType: ResourceType, resource: ScimObject, projection: Projection) {
  const out: ScimObject = { schemas: resource.schemas ?? [] };
  Object.assign(out, projectAttributes(resourceType.coreAttributes, resource, "", projection, false));
  for (const { schema } of resourceType.extensions) {
    const ext = resource[schema.id];
    if (!isObject(ext)) continue;
    const asked = projection.attributes?.has(schema.id) ?? false;
    const projected = projectAttributes(schema.attributes, ext, schema.id, projection, asked);
    if (Object.keys(projected).length > 0) out[schema.id] = projected;
  }
  // `schemas` names the schemas the representation uses (RFC 7643 §3): an extension all of whose
  // attributes the projection left out is no longer one of them.
  const used = (uri: ScimValue) =>
    typeof uri !== "string" || !resourceType.extensions.some(({ schema }) => schema.id === uri) || uri in out;
  if (Array.isArray(out.schemas)) out.schemas = out.schemas.filter(used);
  return out;
}
