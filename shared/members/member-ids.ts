import { ScimError } from "../errors/scim-error.js";
import type { MemberRef } from "../patch/member-changes.js";

/**
 * The distinct member ids of `refs`, in first-mention order. A group cannot be its own member
 * (RFC 7643 §4.2 allows nested groups, not a group inside itself): 400 invalidValue.
 */
export function memberIds(groupId: string, refs: readonly MemberRef[]): string[] {
  const ids = [...new Set(refs.map((ref) => ref.value))];
  if (ids.includes(groupId)) {
    throw new ScimError("invalidValue", `A group cannot be a member of itself (members value "${groupId}").`);
  }
  return ids;
}
