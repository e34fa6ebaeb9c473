import type { ScimObject } from "../schema/scim-json.js";
import type { MembershipStore } from "../store/membership-store.js";
import { forEachMember } from "./for-each-member.js";
import { renderMember } from "./render-member.js";

/**
 * A Group's `members` (RFC 7643 §4.2) from its membership documents, rendered straight into the one
 * array the response serialises: the group is never held in memory twice.
 */
export async function readMembers(
  memberships: MembershipStore,
  tenantId: string,
  groupId: string,
  baseUrl: string,
): Promise<ScimObject[]> {
  const members: ScimObject[] = [];
  await forEachMember(memberships, tenantId, groupId, (member) => {
    members.push(renderMember(baseUrl, member));
  });
  return members;
}

/** The ids of a group's current members, for computing what a replace changes. */
export async function currentMemberIds(
  memberships: MembershipStore,
  tenantId: string,
  groupId: string,
): Promise<Set<string>> {
  const ids = new Set<string>();
  await forEachMember(memberships, tenantId, groupId, (member) => {
    ids.add(member.memberId);
  });
  return ids;
}
