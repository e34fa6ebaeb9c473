import { ScimError } from "../errors/scim-error.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject, ScimValue } from "../schema/scim-json.js";
import { applyPatchAction } from "./apply-patch-action.js";
import { compilePatchOperation } from "./compile-patch-operation.js";
import { emptyMemberChanges, type MemberChanges, recordMemberChange } from "./member-changes.js";
import type { PatchOperation } from "./patch-operation.js";
import { scimEquals } from "./scim-equals.js";

export interface ApplyPatchOptions<E extends string> {
  /**
   * Multi-valued core attributes stored outside the resource document (Group: `["members"]`, one
   * Cosmos document per member). Operations on them are validated and returned in `external`,
   * never applied to the resource.
   */
  externalAttributes?: readonly E[];
}

export interface ApplyPatchResult<E extends string> {
  /** The patched resource: a new object, the input is never modified. */
  resource: ScimObject;
  /** Whether `resource` differs from the input. Changes in `external` are not counted here. */
  changed: boolean;
  /** Net changes per external attribute, one entry for each name in `externalAttributes`. */
  external: Record<E, MemberChanges>;
}

const isUnset = (value: ScimValue | undefined) => value === undefined || value === null || value === "";

/**
 * Applies PATCH operations to a resource (RFC 7644 §3.5.2), purely and atomically: every
 * operation is validated before any is applied, and any error (a thrown ScimError) leaves nothing
 * changed. `resource` holds canonical attribute names with extensions under their URN key and no
 * `id`, `meta` or `schemas`. Handles Entra's forms with and without the aadOptscim062020 flag:
 * capitalised ops, string booleans, path-less objects with dotted and URN keys, manager as a bare
 * id or a one-element array, replace on an unmatched value filter (adds the element), remove with
 * a value (removes only those elements). A required attribute present before must be present after
 * (`invalidValue`).
 */
export function applyPatch<E extends string = never>(
  resource: ScimObject,
  operations: readonly PatchOperation[],
  resourceType: ResourceType,
  options: ApplyPatchOptions<E> = {},
): ApplyPatchResult<E> {
  const externalNames = options.externalAttributes ?? [];
  const actions = operations.flatMap((operation) =>
    compilePatchOperation(operation, resourceType, externalNames),
  );

  let next = resource;
  const external = {} as Record<E, MemberChanges>;
  for (const name of externalNames) external[name] = emptyMemberChanges();
  for (const action of actions) {
    if (action.kind === "external") {
      const name = action.attribute as E;
      external[name] = recordMemberChange(external[name], action.change);
    } else {
      next = applyPatchAction(next, action);
    }
  }

  for (const attribute of resourceType.coreAttributes) {
    if (attribute.required && !isUnset(resource[attribute.name]) && isUnset(next[attribute.name])) {
      throw new ScimError("invalidValue", `Attribute '${attribute.name}' is required and cannot be removed.`);
    }
  }
  // Fresh JSON either way, so the caller may modify what it gets without touching its input.
  const changed = !scimEquals(resource, next);
  return { resource: structuredClone(next), changed, external };
}
