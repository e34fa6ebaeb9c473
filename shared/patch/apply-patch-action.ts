import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "../schema/attribute.js";
import { canonicalJson, comparisonForm, sameValue, scimEquals } from "../schema/compare-values.js";
import { matchesImmutable } from "../schema/keep-immutable.js";
import { normalizeValue } from "../schema/normalize-resource.js";
import { findAttribute } from "../schema/resolve-path.js";
import { isObject, type ScimObject, type ScimValue } from "../schema/scim-json.js";
import { hasValueSub, isHollow } from "../schema/value-forms.js";
import { itemSchema, unwrapJsonRole, zodToScimError } from "../schema/value-schema.js";
import type { PatchAction, PatchTarget } from "./compile-patch-operation.js";

type ResourceAction = Exclude<PatchAction, { kind: "external" }>;

function without(object: ScimObject, key: string): ScimObject {
  const { [key]: _, ...rest } = object;
  return rest;
}

/**
 * A reference attribute (manager) is identified by `value`; its other sub-attributes ($ref,
 * displayName) describe that referent, so a new `value` starts from scratch instead of merging.
 */
function merge(attribute: Attribute, base: ScimObject | undefined, patch: ScimObject): ScimObject {
  if (base && hasValueSub(attribute) && patch.value !== undefined && !scimEquals(patch.value, base.value)) {
    return { ...patch };
  }
  return { ...base, ...patch };
}

/** Whether `element` is one of the values a remove-with-value names (matched on `value` when given). */
function matchesRemoved(attribute: Attribute, element: ScimValue, removed: ScimValue): boolean {
  if (attribute.type !== "complex") return sameValue(attribute, element, removed);
  if (!isObject(element) || !isObject(removed)) return false;
  const keys = removed.value !== undefined ? ["value"] : Object.keys(removed);
  return (
    keys.length > 0 &&
    keys.every((key) => sameValue(findAttribute(attribute.subAttributes, key), element[key], removed[key]))
  );
}

/**
 * The comparison key under which a value matches a removed one: the value itself for simple
 * attributes, `value` for complex ones; undefined when matching needs the general rule.
 */
function removalKey(attribute: Attribute, value: ScimValue): string | undefined {
  const leaf = attribute.type === "complex" ? findAttribute(attribute.subAttributes, "value") : attribute;
  const raw = attribute.type === "complex" ? (isObject(value) ? value.value : undefined) : value;
  if (!leaf || raw === undefined) return undefined;
  const form = comparisonForm(leaf, raw);
  return form === undefined ? undefined : canonicalJson(form);
}

/** The elements a remove-with-value keeps: linear in elements plus values when values are keyed. */
function withoutRemoved(attribute: Attribute, items: readonly ScimValue[], removed: readonly ScimValue[]) {
  const keyed = new Set<string>();
  const others: ScimValue[] = [];
  for (const value of removed) {
    const key = removalKey(attribute, value);
    if (key === undefined) others.push(value);
    else keyed.add(key);
  }
  return items.filter((element) => {
    const key = removalKey(attribute, element);
    if (key !== undefined && keyed.has(key)) return false;
    return !others.some((value) => matchesRemoved(attribute, element, value));
  });
}

/** Builds the element a filtered add/replace creates when no element matches, from the filter's `eq` clauses. */
function created(target: PatchTarget, patch: ScimObject): ScimObject {
  const template = target.filter ? target.filter.template : {};
  if (!template) {
    throw new ScimError(
      "noTarget",
      `Path '${target.path}': no value matches the filter, and the filter does not describe a new one (only "eq" comparisons joined by "and" do).`,
    );
  }
  const result = itemSchema(target.attribute).safeParse({ ...template, ...patch });
  if (!result.success) throw zodToScimError(result.error, target.path);
  return result.data as ScimObject;
}

function patchOf(action: Extract<ResourceAction, { kind: "set" }>): ScimObject {
  const { attribute, subAttribute } = action.target;
  if (subAttribute) {
    const patch = { [subAttribute.name]: action.value };
    // Entra's app role as a JSON document in `roles[primary eq "True"].value`: stored as the role
    // it describes, exactly as when it comes in a whole `roles` value.
    return attribute.name === "roles" ? unwrapJsonRole(patch) : patch;
  }
  return isObject(action.value) ? action.value : {};
}

function nextSingularComplex(current: ScimObject | undefined, action: ResourceAction): ScimValue | undefined {
  const { attribute, filter, subAttribute, path } = action.target;
  if (filter && current && !filter.matches(current)) {
    // Removing a manager that is not the current one is already done (Entra retries removals).
    if (action.kind !== "set") return current;
    throw new ScimError(
      "noTarget",
      `Path '${path}': the filter does not match the current '${attribute.name}'.`,
    );
  }
  if (action.kind !== "set") {
    if (!current || !subAttribute) return undefined;
    return without(current, subAttribute.name);
  }
  if (!filter && !subAttribute) {
    if (!isObject(action.value)) return action.value;
    // Entra clears the manager by replacing it with "", {} or {"value": ""}.
    if (hasValueSub(attribute) && isHollow(attribute, action.value)) return undefined;
    // RFC 7644 §3.5.2.3: sub-attributes not given are left unchanged; merge() handles references.
    return merge(attribute, current, action.value);
  }
  if (!current) return created(action.target, patchOf(action));
  return merge(attribute, current, patchOf(action));
}

function nextMultiValued(items: readonly ScimValue[], action: ResourceAction): [ScimValue[], ScimValue[]] {
  const { attribute, filter, subAttribute } = action.target;
  // `emails.value` (no filter) addresses that sub-attribute in every element.
  const selected = (element: ScimValue): element is ScimObject =>
    isObject(element) && (filter ? filter.matches(element) : subAttribute !== undefined);
  switch (action.kind) {
    case "unset":
      if (!filter && !subAttribute) return [[], []];
      if (!subAttribute) return [items.filter((e) => !selected(e)), []];
      return [items.map((e) => (selected(e) ? without(e, subAttribute.name) : e)), []];
    case "removeValues":
      return [withoutRemoved(attribute, items, action.values), []];
    case "set": {
      if (!filter && !subAttribute) {
        const values = Array.isArray(action.value) ? action.value : [action.value];
        // RFC 7644 §3.5.2.3: without a filter, replace replaces all values.
        if (action.mode === "replace") return [values, values];
        // RFC 7644 §3.5.2.1: add appends; a value the attribute already holds is not added twice,
        // "the same" as a remove or a filter decides it (caseExact=false text folded, dates as
        // instants). Keyed by canonical JSON so that adding n values to m is O(n + m), not O(n * m).
        const keyOf = (v: ScimValue) => canonicalJson(normalizeValue(attribute, v));
        const seen = new Set(items.map(keyOf));
        const added: ScimValue[] = [];
        for (const v of values) {
          const key = keyOf(v);
          if (!seen.has(key)) {
            seen.add(key);
            added.push(v);
          }
        }
        return [[...items, ...added], added];
      }
      const patch = patchOf(action);
      const touched: ScimValue[] = [];
      const next = items.map((e) => {
        if (!selected(e)) return e;
        const merged = { ...e, ...patch };
        touched.push(merged);
        return merged;
      });
      if (touched.length > 0) return [next, touched];
      // Entra requires a replace whose filter matches nothing to add the value, not fail with noTarget.
      const element = created(action.target, patch);
      return [[...items, element], [element]];
    }
  }
}

/**
 * Keeps one `primary: true` at most, the touched one (RFC 7643 §2.4). Hollow elements are kept
 * until the whole request has been applied (withoutHollowElements): Entra builds one element over
 * several operations (`emails[type eq "work"].primary`, then `.value`), and the first alone is
 * hollow. A hollow element does not take `primary` from the others: it may never get a value.
 */
function normaliseMultiValued(attribute: Attribute, items: ScimValue[], touched: readonly ScimValue[]) {
  if (attribute.type !== "complex") return items.length > 0 ? items : undefined;
  let out = items;
  const winner = touched.find(
    (e) => isObject(e) && e.primary === true && !isHollow(attribute, e) && out.includes(e),
  );
  if (winner) {
    out = out.map((e) => (e !== winner && isObject(e) && e.primary === true ? without(e, "primary") : e));
  }
  return out.length > 0 ? out : undefined;
}

function nextValue(before: ScimValue | undefined, action: ResourceAction): ScimValue | undefined {
  const { attribute } = action.target;
  if (attribute.multiValued) {
    const items = Array.isArray(before) ? before : before === undefined || before === null ? [] : [before];
    const [next, touched] = nextMultiValued(items, action);
    return normaliseMultiValued(attribute, next, touched);
  }
  if (attribute.type !== "complex") return action.kind === "set" ? action.value : undefined;
  const next = nextSingularComplex(isObject(before) ? before : undefined, action);
  return isObject(next) && isHollow(attribute, next) ? undefined : next;
}

/**
 * RFC 7643 §2.2 immutable: may be set when unassigned, never changed afterwards. A value that
 * matches the one there (`matchesImmutable`: "H1" for "h1" when caseExact is false) changes
 * nothing, so the stored one is kept. Returns the value to store.
 */
function keepImmutableValue(
  target: PatchTarget,
  before: ScimValue | undefined,
  after: ScimValue | undefined,
): ScimValue | undefined {
  const { attribute } = target;
  const fail = (name: string) =>
    new ScimError(
      "mutability",
      `Attribute '${name}' is immutable and already has a value (path '${target.path}').`,
    );
  const isSet = (v: ScimValue | undefined): v is ScimValue => v !== undefined && v !== null;
  if (attribute.mutability === "immutable" && isSet(before)) {
    if (!matchesImmutable(attribute, before, after)) throw fail(attribute.name);
    return before;
  }
  if (attribute.multiValued || !isObject(before)) return after;
  let kept = after;
  for (const sub of attribute.subAttributes ?? []) {
    const was = before[sub.name];
    if (sub.mutability !== "immutable" || !isSet(was)) continue;
    const next = isObject(kept) ? kept[sub.name] : undefined;
    if (!matchesImmutable(sub, was, next)) throw fail(`${attribute.name}.${sub.name}`);
    if (isObject(kept)) kept = { ...kept, [sub.name]: was };
  }
  return kept;
}

/**
 * How many element tests applying `action` to `resource` costs: each element of a multi-valued
 * target is read once per test of the filter (once without one), a singular one once per test. A
 * remove-with-value reads each element once more for every removed value that has no key to be
 * found by (`withoutRemoved` compares the element with each of those): counted as one test each,
 * or 8,000 such values against 8,000 emails, one operation counted as 8,000 tests, held the
 * instance's one thread for 14 s (a 512 KB PATCH could hold it for minutes).
 */
export function actionVisits(resource: ScimObject, action: ResourceAction): number {
  const { attribute, container, filter } = action.target;
  const holder =
    container === undefined ? resource : isObject(resource[container]) ? resource[container] : {};
  const before = holder[attribute.name];
  const elements = Array.isArray(before) ? before.length : 1;
  const unkeyed =
    action.kind === "removeValues"
      ? action.values.filter((value) => removalKey(attribute, value) === undefined).length
      : 0;
  return elements * (filter?.tests ?? 1) * (1 + unkeyed);
}

/**
 * Applies one validated action to a resource and returns the new resource (RFC 7644 §3.5.2.1-3);
 * the input is not modified. Throws `noTarget` when a filtered add/replace can neither match nor
 * create an element, `mutability` when an immutable value would change, and `invalidValue` when an
 * element created from a filter is invalid.
 */
export function applyPatchAction(resource: ScimObject, action: ResourceAction): ScimObject {
  const { attribute, container } = action.target;
  const holder =
    container === undefined ? resource : isObject(resource[container]) ? resource[container] : {};
  const before = holder[attribute.name];
  const after = keepImmutableValue(action.target, before, nextValue(before, action));
  const nextHolder =
    after === undefined ? without(holder, attribute.name) : { ...holder, [attribute.name]: after };
  return withHolder(resource, container, nextHolder);
}

/** `resource` with `holder` as its attributes (no container) or as its extension `container`. */
function withHolder(resource: ScimObject, container: string | undefined, holder: ScimObject): ScimObject {
  if (container === undefined) return holder;
  // An extension with no attributes left is removed with its key.
  return Object.keys(holder).length > 0 ? { ...resource, [container]: holder } : without(resource, container);
}

/**
 * Drops the hollow elements (no `value`, or only labels) left in the multi-valued complex
 * attributes the actions address, once all of a request's actions are applied; an attribute left
 * with none is removed, an extension left empty too. The input is not modified.
 */
export function withoutHollowElements(resource: ScimObject, actions: readonly ResourceAction[]): ScimObject {
  let next = resource;
  // Each attribute once, however many actions address it: a scan reads all of its elements.
  const targets = new Map<string, ResourceAction["target"]>();
  for (const { target } of actions) targets.set(`${target.container ?? ""} ${target.attribute.name}`, target);
  for (const { attribute, container } of targets.values()) {
    if (!attribute.multiValued || attribute.type !== "complex") continue;
    const holder = container === undefined ? next : next[container];
    const items = isObject(holder) ? holder[attribute.name] : undefined;
    if (!isObject(holder) || !Array.isArray(items)) continue;
    const kept = items.filter((e) => !isObject(e) || !isHollow(attribute, e));
    if (kept.length === items.length) continue;
    const nextHolder =
      kept.length > 0 ? { ...holder, [attribute.name]: kept } : without(holder, attribute.name);
    next = withHolder(next, container, nextHolder);
  }
  return next;
}
