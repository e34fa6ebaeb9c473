import { ScimError } from "../errors/scim-error.js";
import type { Services } from "../services.js";
import type { MemberRecord } from "../store/membership-store.js";

/**
 * The second half of the race-free membership protocol. Adding checks the members exist, writes the
 * memberships, then checks again here; deleting a resource sweeps its memberships, deletes it, and
 * sweeps again. Whichever of a concurrent add and delete runs second sees the other's effect, so a
 * membership naming a deleted group or member never survives. Point reads for a few members, one
 * query for many: the cost stays proportional to the request, not to the group.
 * Returns the members that are still there; throws 404 if the group itself was deleted meanwhile.
 */
export async function confirmMembers(
  services: Pick<Services, "groups" | "memberships" | "memberLookup">,
  tenantId: string,
  groupId: string,
  added: readonly MemberRecord[],
): Promise<MemberRecord[]> {
  if (added.length === 0) return [];
  const ids = added.map((m) => m.id);
  const group = await services.groups.read(tenantId, groupId);
  if (!group) {
    await services.memberships.remove(tenantId, groupId, ids);
    throw new ScimError("notFound", `Group ${JSON.stringify(groupId)} not found.`);
  }
  const existing = await services.memberLookup.existing(tenantId, ids);
  const gone = ids.filter((id) => !existing.has(id));
  if (gone.length === 0) return [...added];
  await services.memberships.remove(tenantId, groupId, gone);
  return added.filter((m) => existing.has(m.id));
}
