import { ScimError } from "../errors/scim-error.js";
import type { Scope } from "../operations/operation.js";
import type { MemberRecord, MembershipStore } from "../store/membership-store.js";
import { diffMembers, type MemberPlan } from "./plan-member-changes.js";
import { currentMemberIds } from "./read-memberships.js";

type MemberScope = Pick<Scope, "groups" | "memberships" | "memberLookup">;

/**
 * The second half of the race-free membership protocol. Adding checks the members exist, writes the
 * memberships, then checks again here; deleting a resource sweeps its memberships, deletes it, and
 * sweeps again. Whichever of a concurrent add and delete runs second sees the other's effect, so a
 * membership naming a deleted group or member never survives. Point reads for a few members, one
 * query for many: the cost stays proportional to the request, not to the group.
 * Returns the members that are still there; throws 404 if the group itself was deleted meanwhile.
 */
export async function confirmMembers(
  scope: MemberScope,
  groupId: string,
  added: readonly MemberRecord[],
): Promise<MemberRecord[]> {
  if (added.length === 0) return [];
  const ids = added.map((m) => m.id);
  const group = await scope.groups.read(groupId);
  if (!group) {
    await scope.memberships.remove(groupId, ids);
    throw new ScimError("notFound", `Group ${JSON.stringify(groupId)} not found.`);
  }
  const existing = await scope.memberLookup.existing(ids);
  const gone = ids.filter((id) => !existing.has(id));
  if (gone.length === 0) return [...added];
  await scope.memberships.remove(groupId, gone);
  return added.filter((m) => existing.has(m.id));
}

/**
 * Makes `wanted` (already checked to exist) the group's complete member list: reads the current
 * members, then removes the extra and adds the missing ones, so unchanged memberships are never
 * touched and the group is never seen empty in between. Idempotent: a retry after a failure midway
 * finishes the job. Returns the final members.
 */
async function replaceMembers(
  scope: MemberScope,
  groupId: string,
  wanted: readonly MemberRecord[],
): Promise<MemberRecord[]> {
  const current = await currentMemberIds(scope.memberships, groupId);
  const diff = diffMembers(current, wanted);
  await scope.memberships.remove(groupId, diff.remove);
  await scope.memberships.add(groupId, diff.add);
  const kept = new Set((await confirmMembers(scope, groupId, diff.add)).map((m) => m.id));
  const added = new Set(diff.add.map((m) => m.id));
  return wanted.filter((m) => !added.has(m.id) || kept.has(m.id));
}

/**
 * Writes the memberships of a group just created (RFC 7644 §3.3). If the writes fail, the group is
 * deleted again, so a retried POST can succeed instead of meeting a half-created group with 409.
 */
async function addToNewGroup(
  scope: MemberScope,
  groupId: string,
  members: readonly MemberRecord[],
): Promise<MemberRecord[]> {
  if (members.length === 0) return [];
  try {
    await scope.memberships.add(groupId, members);
    return await confirmMembers(scope, groupId, members);
  } catch (error) {
    // Best effort: the client must learn of the original failure, not of a failed clean-up.
    await scope.groups.delete(groupId).catch(() => undefined);
    await scope.memberships.removeReferences(groupId).catch(() => 0);
    throw error;
  }
}

/**
 * Writes a plan with point operations (RFC 7644 §3.5.2.1-3 semantics for `members`): removing a
 * non-member and re-adding a member are no-ops, so the cost of adding or removing one member does
 * not depend on the group's size, and a retried request converges. `newGroup` says the group was
 * just created (nothing to read or remove first). Returns the final member list when the plan
 * replaced it, for the response.
 */
export async function applyMemberChanges(
  scope: MemberScope,
  groupId: string,
  plan: MemberPlan,
  newGroup = false,
): Promise<MemberRecord[] | undefined> {
  if (plan.replace) {
    return newGroup
      ? addToNewGroup(scope, groupId, plan.replace)
      : replaceMembers(scope, groupId, plan.replace);
  }
  await scope.memberships.remove(groupId, plan.remove);
  await scope.memberships.add(groupId, plan.add);
  await confirmMembers(scope, groupId, plan.add);
  return undefined;
}

/**
 * Deletes a User or Group together with every membership naming it (as member, or as group), in the
 * order that never shows a dangling reference and lets a retry finish the job (RFC 7644 §3.6):
 * 1. sweep its memberships while the resource still exists (a failure here leaves the resource
 *    in place with fewer memberships, and the client's retried DELETE carries on);
 * 2. delete the resource;
 * 3. sweep again, removing any membership a concurrent add wrote between 1 and 2 (such an add
 *    also re-checks its members after writing: see `confirmMembers`).
 */
export async function deleteWithMemberships<R extends { ok: boolean }>(
  memberships: MembershipStore,
  id: string,
  deleteResource: () => Promise<R>,
): Promise<R> {
  await memberships.removeReferences(id);
  const result = await deleteResource();
  if (result.ok) await memberships.removeReferences(id);
  return result;
}
