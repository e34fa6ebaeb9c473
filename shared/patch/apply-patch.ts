import { ScimError } from "../errors/scim-error.js";
import type { Attribute } from "../schema/attribute.js";
import { scimEquals } from "../schema/compare-values.js";
import { checkRequiredSubAttributes } from "../schema/required-sub-attributes.js";
import type { ResourceType } from "../schema/resource-type.js";
import { isBlank, isObject, type ScimObject } from "../schema/scim-json.js";
import { actionVisits, applyPatchAction, withoutHollowElements } from "./apply-patch-action.js";
import { compilePatchOperation, type PatchAction } from "./compile-patch-operation.js";
import { foldMemberChanges, type MemberChange, type MemberChanges } from "./member-changes.js";
import type { PatchOperation } from "./parse-patch-request.js";

export interface ApplyPatchOptions<E extends string> {
  /**
   * Multi-valued core attributes stored outside the resource document (Group: `["members"]`, one
   * Cosmos document per member). Operations on them are validated and returned in `external`,
   * never applied to the resource.
   */
  externalAttributes?: readonly E[];
}

/** PATCH operations validated against a resource type, ready to apply to any version of a resource. */
export interface CompiledPatch<E extends string> {
  actions: readonly Exclude<PatchAction, { kind: "external" }>[];
  /** Net changes per external attribute, one entry for each name in `externalAttributes`. */
  external: Record<E, MemberChanges>;
}

/**
 * Validates every PATCH operation (RFC 7644 §3.5.2) without looking at the resource, so that a
 * request is checked once before any write and re-applied cheaply to the freshest version on each
 * optimistic-concurrency retry. Member changes of external attributes depend on the operations
 * alone and are folded here, in operation order.
 */
export function compilePatch<E extends string = never>(
  operations: readonly PatchOperation[],
  resourceType: ResourceType,
  options: ApplyPatchOptions<E> = {},
): CompiledPatch<E> {
  const externalNames = options.externalAttributes ?? [];
  const actions: Exclude<PatchAction, { kind: "external" }>[] = [];
  const changes = {} as Record<E, MemberChange[]>;
  for (const name of externalNames) changes[name] = [];
  for (const operation of operations) {
    for (const action of compilePatchOperation(operation, resourceType, externalNames)) {
      if (action.kind !== "external") actions.push(action);
      else changes[action.attribute as E].push(action.change);
    }
  }
  // Folded once, at the end: linear in the members named, however many operations name them.
  const external = {} as Record<E, MemberChanges>;
  for (const name of externalNames) external[name] = foldMemberChanges(changes[name]);
  return { actions, external };
}

/**
 * The element tests the PATCH operations of one request may cost together (a /Bulk request's
 * PATCHes share it). Each operation on a multi-valued attribute reads all of its elements, so
 * 1,000 operations on a user with 25,000 emails (a 512 KB POST) held the one thread of the
 * instance for a minute, every tenant's requests waiting. 200,000 costs at most about what that
 * POST costs; Entra's PATCHes (a few operations on attributes with a few values) need hundreds.
 */
export const MAX_PATCH_VISITS = 200_000;

/**
 * Applies compiled operations to a resource (RFC 7644 §3.5.2), purely and atomically: an error (a
 * thrown ScimError) leaves nothing changed; the input is never modified. `resource` holds canonical
 * attribute names with extensions under their URN key and no `id`, `meta` or `schemas`. Handles
 * Entra's forms with and without the aadOptscim062020 flag: capitalised ops, string booleans,
 * path-less objects with dotted and URN keys, manager as a bare id or a one-element array, replace
 * on an unmatched value filter (adds the element), remove with a value (removes only those
 * elements). A required attribute present before must be present after, and a value it changes
 * must carry its required sub-attributes (`invalidValue`).
 */
export function applyCompiledPatch(
  resource: ScimObject,
  compiled: CompiledPatch<string>,
  resourceType: ResourceType,
  /** The request's count of element tests, checked against MAX_PATCH_VISITS (400 tooMany past it). */
  work: { patchVisits: number } = { patchVisits: 0 },
): { resource: ScimObject; changed: boolean } {
  let next = resource;
  for (const action of compiled.actions) {
    work.patchVisits += actionVisits(next, action);
    if (work.patchVisits > MAX_PATCH_VISITS) {
      throw new ScimError(
        "tooMany",
        `The PATCH operations of this request would test more than ${MAX_PATCH_VISITS.toLocaleString("en-US")} values of multi-valued attributes (each operation reads every value of its attribute, once per comparison of its filter); send fewer operations, or replace the attribute whole.`,
      );
    }
    next = applyPatchAction(next, action);
  }
  // After every action, not after each: an element Entra builds over several operations is hollow
  // until the one that gives it its `value`.
  next = withoutHollowElements(next, compiled.actions);
  requireKept(resourceType.coreAttributes, resource, next, "");
  // A required extension attribute is held as POST and PUT hold it (parseResource), or a PATCH
  // could take away what no create or replace may leave out.
  for (const { schema } of resourceType.extensions) {
    const holder = (r: ScimObject) => (isObject(r[schema.id]) ? (r[schema.id] as ScimObject) : {});
    requireKept(schema.attributes, holder(resource), holder(next), `${schema.id}:`);
  }
  checkRequiredSubAttributes(resourceType, next, resource);
  // Fresh JSON either way, so the caller may modify what it gets without touching its input.
  return { resource: structuredClone(next), changed: !scimEquals(resource, next) };
}

/** A required attribute that had a value before a PATCH must have one after (`invalidValue`). */
function requireKept(
  attributes: readonly Attribute[],
  before: ScimObject,
  after: ScimObject,
  prefix: string,
) {
  for (const attribute of attributes) {
    if (attribute.required && !isBlank(before[attribute.name]) && isBlank(after[attribute.name])) {
      throw new ScimError(
        "invalidValue",
        `Attribute '${prefix}${attribute.name}' is required and cannot be removed or made blank.`,
      );
    }
  }
}
