import type { ScimObject } from "../schema/scim-json.js";
import type { MembershipLink } from "../store/membership-store.js";

/**
 * One element of a Group's `members` (RFC 7643 §4.2): `value`, `$ref` and `type`. No `display`:
 * it would cost a read of every member (100,000 for the largest groups) and Entra never reads it.
 */
export function renderMember(baseUrl: string, member: Pick<MembershipLink, "memberId" | "memberType">) {
  const endpoint = member.memberType === "Group" ? "Groups" : "Users";
  const rendered: ScimObject = {
    value: member.memberId,
    $ref: `${baseUrl}/${endpoint}/${member.memberId}`,
    type: member.memberType,
  };
  return rendered;
}

/** One element of a User's `groups` (RFC 7643 §4.1.2): direct memberships only. */
export function renderUserGroup(baseUrl: string, groupId: string, displayName: string): ScimObject {
  return { value: groupId, $ref: `${baseUrl}/Groups/${groupId}`, display: displayName, type: "direct" };
}
