import { compilePatchOperation } from "../patch/compile-patch-operation.js";
import { emptyMemberChanges, type MemberChanges, recordMemberChange } from "../patch/member-changes.js";
import type { PatchOperation } from "../patch/patch-operation.js";
import type { ResourceType } from "../schema/resource-type.js";

/** The Group attribute kept outside the resource document: one membership document per member. */
export const MEMBERS = "members";

/**
 * The net member changes of a Group PATCH (RFC 7644 §3.5.2), in operation order. They depend on the
 * operations alone, never on the stored group, so they are computed (and their members looked up)
 * once before any write, not on each optimistic-concurrency retry of the group document.
 */
export function memberChangesOf(operations: readonly PatchOperation[], type: ResourceType): MemberChanges {
  let changes = emptyMemberChanges();
  for (const operation of operations) {
    for (const action of compilePatchOperation(operation, type, [MEMBERS])) {
      if (action.kind === "external") changes = recordMemberChange(changes, action.change);
    }
  }
  return changes;
}
