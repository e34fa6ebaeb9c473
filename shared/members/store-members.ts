import type { ScimObject } from "../schema/scim-json.js";
import type { Services } from "../services.js";
import type { MemberRecord } from "../store/membership-store.js";
import { confirmMembers } from "./confirm-members.js";
import { renderMember } from "./render-member.js";
import { replaceMembers } from "./replace-members.js";

type MemberServices = Pick<Services, "groups" | "memberships" | "memberLookup">;

const rendered = (baseUrl: string, members: readonly MemberRecord[]): ScimObject => ({
  members: members.map((m) => renderMember(baseUrl, { memberId: m.id, memberType: m.type })),
});

/**
 * Writes the memberships of a group just created (RFC 7644 §3.3) and returns its `members` for the
 * 201, `members: []` when there are none (Entra expects it). If the writes fail, the group is
 * deleted again, so a retried POST can succeed instead of meeting a half-created group with 409.
 */
export async function storeNewMembers(
  services: MemberServices,
  tenantId: string,
  groupId: string,
  members: readonly MemberRecord[],
  baseUrl: string,
): Promise<ScimObject> {
  if (members.length === 0) return { members: [] };
  try {
    await services.memberships.add(tenantId, groupId, members);
    return rendered(baseUrl, await confirmMembers(services, tenantId, groupId, members));
  } catch (error) {
    // Best effort: the client must learn of the original failure, not of a failed clean-up.
    await services.groups.delete(tenantId, groupId).catch(() => undefined);
    await services.memberships.removeReferences(tenantId, groupId).catch(() => 0);
    throw error;
  }
}

/** Writes a PUT's member list as a difference (RFC 7644 §3.5.1) and returns the new `members`. */
export async function storeReplacedMembers(
  services: MemberServices,
  tenantId: string,
  groupId: string,
  members: readonly MemberRecord[],
  baseUrl: string,
): Promise<ScimObject> {
  return rendered(baseUrl, await replaceMembers(services, tenantId, groupId, members));
}
