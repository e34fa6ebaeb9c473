import type * as z from "zod";
import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "../schema/attribute.js";
import { foldCase, sameName } from "../schema/compare-values.js";
import { resolvePath, splitSchemaUrn } from "../schema/resolve-path.js";
import type { ResourceType } from "../schema/resource-type.js";
import { isObject, type ScimObject, type ScimValue } from "../schema/scim-json.js";
import { singleValue } from "../schema/value-forms.js";
import { itemSchema, valueSchema, zodToScimError } from "../schema/value-schema.js";
import type { ValueFilter } from "./bind-value-filter.js";
import type { MemberChange, MemberRef } from "./member-changes.js";
import { type PatchPath, parsePatchPath } from "./parse-patch-path.js";
import type { PatchOperation, PatchOpName } from "./parse-patch-request.js";

/** The attribute one action changes, optionally narrowed to filtered elements and/or a sub-attribute. */
export interface PatchTarget {
  /** The path (or path-less key) as the client wrote it, for error details. */
  path: string;
  attribute: Attribute;
  /** The extension URN the attribute is nested under in the resource; undefined for core attributes. */
  container: string | undefined;
  filter: ValueFilter | undefined;
  subAttribute: Attribute | undefined;
}

/**
 * One validated change, the unit between "check every operation" and "apply them all". Values are
 * already validated and canonical. `set` values: the whole array for a multi-valued attribute
 * without filter or sub-attribute, the sub-attribute's value when there is one, otherwise one
 * (possibly partial) element.
 */
export type PatchAction =
  | { kind: "set"; mode: "add" | "replace"; target: PatchTarget; value: ScimValue }
  | { kind: "unset"; target: PatchTarget }
  | { kind: "removeValues"; target: PatchTarget; values: readonly ScimValue[] }
  | { kind: "external"; attribute: string; change: MemberChange };

function validate(schema: z.ZodType, value: unknown, where: string): ScimValue {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToScimError(result.error, where);
  // The schemas only accept and produce JSON values.
  return result.data as ScimValue;
}

function memberRef(attribute: Attribute, item: unknown, where: string): MemberRef {
  const parsed = validate(itemSchema(attribute), item, where);
  const value = isObject(parsed) ? parsed.value : undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new ScimError(
      "invalidValue",
      `Attribute '${where}.value' must be a non-empty string (the member's id).`,
    );
  }
  const type = isObject(parsed) ? parsed.type : undefined;
  return { value, ...(typeof type === "string" ? { type } : {}) };
}

/** Group `members` and the like: validated here, applied by the caller (one document per member). */
function compileExternal(op: PatchOpName, path: PatchPath, value: unknown, key: string): PatchAction[] {
  const { attribute, text } = path;
  const action = (change: MemberChange): PatchAction[] => [{ kind: "external", attribute: key, change }];
  const refs = (items: unknown): MemberRef[] =>
    (Array.isArray(items) ? items : [items]).map((item, i) => memberRef(attribute, item, `${text}[${i}]`));
  if (path.subAttribute) {
    throw new ScimError(
      "mutability",
      `Path '${text}': the sub-attributes of '${attribute.name}' cannot be modified; add or remove whole members.`,
    );
  }
  if (path.filter) {
    if (op !== "remove") {
      throw new ScimError(
        "invalidFilter",
        `Path '${text}': a filter on '${attribute.name}' is only supported by remove.`,
      );
    }
    const values = path.filter.values;
    if (!values) {
      throw new ScimError(
        "invalidFilter",
        `Path '${text}': members can only be selected by 'value eq "<id>"' comparisons joined by 'or'.`,
      );
    }
    if (values.some((v) => v.trim() === "")) {
      throw new ScimError("invalidValue", `Path '${text}': a member id must be a non-empty string.`);
    }
    return action({ kind: "remove", values });
  }
  if (op === "remove") {
    // RFC 7644 §3.5.2.2 removes the whole attribute without a value; Entra (without the
    // aadOptscim062020 flag) sends the members to remove as the value, and means only those.
    if (value === undefined || value === null) return action({ kind: "removeAll" });
    return action({ kind: "remove", values: refs(value).map((m) => m.value) });
  }
  if (value === null) return op === "replace" ? action({ kind: "removeAll" }) : [];
  return action({ kind: op, members: refs(value) });
}

function compileTarget(
  op: PatchOpName,
  pathText: string,
  value: unknown,
  resourceType: ResourceType,
  external: readonly string[],
): PatchAction[] {
  // `schemas` is computed by the server from the attributes present; clients may mention it freely.
  if (sameName(pathText.trim(), "schemas")) return [];
  const path = parsePatchPath(pathText, resourceType);
  const { attribute, subAttribute, filter } = path;
  for (const a of [attribute, subAttribute]) {
    if (a?.mutability === "readOnly") {
      const name = a === attribute ? attribute.name : `${attribute.name}.${a.name}`;
      // RFC 7644 §3.5.2: a client MUST NOT modify a readOnly attribute.
      throw new ScimError(
        "mutability",
        `Attribute '${name}' is readOnly and cannot be modified (path '${pathText}').`,
      );
    }
  }
  const key = path.extension ? undefined : external.find((name) => sameName(name, attribute.name));
  if (key !== undefined) return compileExternal(op, path, value, key);

  const target: PatchTarget = {
    path: pathText,
    attribute,
    container: path.extension?.id,
    filter,
    subAttribute,
  };
  const unset: PatchAction[] = [{ kind: "unset", target }];
  if (op === "remove") {
    // RFC 7644 §3.5.2.2 has no value on remove; Entra sends one to remove only those elements of a
    // multi-valued attribute. On singular attributes it is ignored: the attribute goes.
    if (value !== undefined && value !== null && attribute.multiValued && !filter && !subAttribute) {
      const items = (Array.isArray(value) ? value : [value]).map((item, i) =>
        validate(itemSchema(attribute), item, `${pathText}[${i}]`),
      );
      return items.length === 0 ? [] : [{ kind: "removeValues", target, values: items }];
    }
    return unset;
  }
  if (value === undefined) {
    throw new ScimError("invalidValue", `The ${op} operation needs a "value" (path '${pathText}').`);
  }
  // RFC 7643 §2.5: null (and an empty array) means unassigned. Replace with it clears; add adds nothing.
  const nothing = op === "replace" ? unset : [];
  const set = (v: ScimValue): PatchAction[] => [{ kind: "set", mode: op, target, value: v }];
  if (!filter && !subAttribute && attribute.multiValued) {
    if (value === null) return nothing;
    const items = validate(valueSchema(attribute), Array.isArray(value) ? value : [value], pathText);
    return Array.isArray(items) && items.length === 0 ? nothing : set(items);
  }
  const one = singleValue(value, pathText);
  if (one === null) return nothing;
  if (subAttribute) return set(validate(valueSchema(subAttribute), one, pathText));
  return set(validate(itemSchema(attribute), one, pathText));
}

/**
 * Spreads a path-less add/replace value into (path, value) pairs (RFC 7644 §3.5.2.1, §3.5.2.3):
 * keys may be attribute names, dotted `name.givenName`, URN-qualified attributes, or a whole schema
 * URN holding an object of that schema's attributes.
 */
function pathlessEntries(value: ScimObject, resourceType: ResourceType): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const [key, v] of Object.entries(value)) {
    // Entra never clears with null (it cannot clear attributes), so a null is "no value to send":
    // skipping it keeps a stray null from wiping data.
    if (v === null || sameName(key, "schemas")) continue;
    const split = splitSchemaUrn(resourceType, key);
    const isSchemaUrn = (split !== undefined && split.rest === "") || sameName(key, resourceType.core.id);
    if (!isSchemaUrn) {
      entries.push([key, v]);
      continue;
    }
    if (!isObject(v)) {
      throw new ScimError(
        "invalidValue",
        `Attribute '${key}' must be an object of that schema's attributes.`,
      );
    }
    const urn = split?.schema.id ?? resourceType.core.id;
    for (const [name, inner] of Object.entries(v)) {
      if (inner !== null && !sameName(name, "schemas")) entries.push([`${urn}:${name}`, inner]);
    }
  }
  // One object naming an attribute twice (`displayName` and `DISPLAYNAME`, or `department` bare
  // and URN-qualified: RFC 7643 §2.1 names are case-insensitive) would apply one value over the
  // other unseen, as a POST body would keep one (parseResource refuses it there too).
  const named = new Set<string>();
  for (const [key] of entries) {
    const resolved = key.includes("[") ? undefined : resolvePath(resourceType, key);
    const label = resolved
      ? `${resolved.extension ? `${resolved.extension.id}:` : ""}${resolved.attribute.name}${resolved.subAttribute ? `.${resolved.subAttribute.name}` : ""}`
      : key;
    if (named.has(foldCase(label))) {
      throw new ScimError(
        "invalidValue",
        `Attribute '${label}' is given more than once in the value (attribute names are case-insensitive).`,
      );
    }
    named.add(foldCase(label));
  }
  return entries;
}

/**
 * Validates one PATCH operation against the resource type and turns it into actions, without
 * looking at the resource (RFC 7644 §3.5.2: every operation is checked before any is applied).
 * `external` names attributes kept outside the resource (Group `members`); they become
 * `external` actions.
 */
export function compilePatchOperation(
  operation: PatchOperation,
  resourceType: ResourceType,
  external: readonly string[] = [],
): PatchAction[] {
  const { op, path, value } = operation;
  if (path !== undefined) return compileTarget(op, path, value, resourceType, external);
  if (op === "remove") throw new ScimError("noTarget", 'A remove operation needs a "path".');
  if (!isObject(value)) {
    throw new ScimError(
      "invalidValue",
      `The ${op} operation without "path" needs an object "value" whose keys are attribute paths.`,
    );
  }
  return pathlessEntries(value, resourceType).flatMap(([key, v]) =>
    compileTarget(op, key, v, resourceType, external),
  );
}
