import type { Services } from "../services.js";
import type { MemberRecord } from "../store/membership-store.js";
import { confirmMembers } from "./confirm-members.js";
import { diffMembers } from "./diff-members.js";
import { currentMemberIds } from "./read-members.js";

/**
 * Makes `wanted` (already checked to exist) the group's complete member list: reads the current
 * members, then removes the extra and adds the missing ones, so unchanged memberships are never
 * touched and the group is never seen empty in between. Idempotent: a retry after a failure midway
 * finishes the job. Returns the final members.
 */
export async function replaceMembers(
  services: Pick<Services, "groups" | "memberships" | "memberLookup">,
  tenantId: string,
  groupId: string,
  wanted: readonly MemberRecord[],
): Promise<MemberRecord[]> {
  const current = await currentMemberIds(services.memberships, tenantId, groupId);
  const diff = diffMembers(current, wanted);
  await services.memberships.remove(tenantId, groupId, diff.remove);
  await services.memberships.add(tenantId, groupId, diff.add);
  const kept = new Set((await confirmMembers(services, tenantId, groupId, diff.add)).map((m) => m.id));
  const added = new Set(diff.add.map((m) => m.id));
  return wanted.filter((m) => !added.has(m.id) || kept.has(m.id));
}
