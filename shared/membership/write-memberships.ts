import { ScimError } from "../errors/scim-error.js";
import type { Scope } from "../operations/operation.js";
import type { MemberRecord } from "../store/membership-store.js";
import { diffMembers, type MemberPlan } from "./plan-member-changes.js";
import { currentMemberIds } from "./read-memberships.js";

type MemberScope = Pick<Scope, "groups" | "memberships" | "memberLookup">;

/**
 * The second half of the race-free membership protocol. Adding checks the members exist, writes the
 * memberships, then checks again here; deleting a resource deletes it, then sweeps its memberships.
 * Whichever of a concurrent add and delete runs second sees the other's effect, so a membership
 * naming a deleted group or member never survives. Point reads for a few members, one
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
 * Creates a group together with its members (RFC 7644 §3.3) in the order no reader can see half
 * done: the memberships first, under the group's new id, where nothing shows them (a membership
 * of a group that does not exist is skipped by every reader); then the group document, which makes
 * group and members appear at once; then the re-check of `confirmMembers`. If the group cannot be
 * created (a taken displayName, the database unavailable), its memberships are removed again; any
 * left behind name an id nothing will ever use and stay invisible.
 */
export async function createWithMembers<R extends { ok: boolean }>(
  scope: MemberScope,
  groupId: string,
  members: readonly MemberRecord[],
  createGroup: () => Promise<R>,
): Promise<{ created: R; members: MemberRecord[] }> {
  if (members.length > 0) await scope.memberships.add(groupId, members);
  let created: R;
  try {
    created = await createGroup();
  } catch (error) {
    await scope.memberships.removeReferences(groupId).catch(() => 0);
    throw error;
  }
  if (!created.ok) {
    if (members.length > 0) await scope.memberships.removeReferences(groupId).catch(() => 0);
    return { created, members: [] };
  }
  return { created, members: await confirmMembers(scope, groupId, members) };
}

/**
 * Writes a plan with point operations (RFC 7644 §3.5.2.1-3 semantics for `members`): removing a
 * non-member and re-adding a member are no-ops, so the cost of adding or removing one member does
 * not depend on the group's size, and a retried request converges. Returns the final member list
 * when the plan replaced it, for the response.
 */
export async function applyMemberChanges(
  scope: MemberScope,
  groupId: string,
  plan: MemberPlan,
): Promise<MemberRecord[] | undefined> {
  if (plan.replace) return replaceMembers(scope, groupId, plan.replace);
  await scope.memberships.remove(groupId, plan.remove);
  await scope.memberships.add(groupId, plan.add);
  await confirmMembers(scope, groupId, plan.add);
  return undefined;
}
