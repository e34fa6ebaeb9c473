import type { MemberRef } from "../patch/member-changes.js";
import type { MemberLookup } from "../store/member-lookup.js";
import type { MemberRecord } from "../store/membership-store.js";
import { memberIds } from "./member-ids.js";
import { missingMembersError } from "./missing-members-error.js";

/**
 * Checks that every referenced member is an existing User or Group of the tenant (one lookup for
 * the whole request) and returns them with their actual type; a client's `type` is only a hint
 * (RFC 7643 §4.2), the stored resource decides. Runs before any write, so a request naming a
 * missing member is rejected with 400 invalidValue and changes nothing.
 */
export async function resolveMembers(
  lookup: MemberLookup,
  tenantId: string,
  groupId: string,
  refs: readonly MemberRef[],
): Promise<MemberRecord[]> {
  const ids = memberIds(groupId, refs);
  if (ids.length === 0) return [];
  const found = await lookup.existing(tenantId, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw missingMembersError(missing);
  return ids.map((id) => ({ id, type: found.get(id) ?? "User" }));
}
