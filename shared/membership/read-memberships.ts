import type { ResourceKind, Scope } from "../operations/operation.js";
import { isReturned, type Projection } from "../schema/projection.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { MembershipLink, MembershipStore } from "../store/membership-store.js";

/** Far above any real user's direct group count; bounds the work of one read. */
const MAX_GROUPS = 100_000;

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

/**
 * Visits every member of a group page by page (Cosmos continuation tokens), so that a 100,000-member
 * group never needs one response over Cosmos's limits and each page can be dropped once visited.
 */
async function forEachMember(
  memberships: MembershipStore,
  groupId: string,
  visit: (member: MembershipLink) => void,
): Promise<void> {
  let continuation: string | undefined;
  do {
    const page = await memberships.membersPage(groupId, continuation);
    for (const member of page.items) visit(member);
    continuation = page.continuation;
  } while (continuation);
}

/**
 * A Group's `members` (RFC 7643 §4.2) from its membership documents, rendered straight into the one
 * array the response serialises: the group is never held in memory twice.
 */
export async function readMembers(
  memberships: MembershipStore,
  groupId: string,
  baseUrl: string,
): Promise<ScimObject[]> {
  const members: ScimObject[] = [];
  await forEachMember(memberships, groupId, (member) => {
    members.push(renderMember(baseUrl, member));
  });
  return members;
}

/** The ids of a group's current members, for computing what a replace changes. */
export async function currentMemberIds(memberships: MembershipStore, groupId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  await forEachMember(memberships, groupId, (member) => {
    ids.add(member.memberId);
  });
  return ids;
}

/**
 * A User's read-only `groups` (RFC 7643 §4.1.2), derived from the memberships naming the user: one
 * query for the memberships, one for the groups' display names. A membership whose group is gone
 * (a delete still sweeping) is skipped, so no dangling reference is ever shown.
 */
export async function readUserGroups(
  scope: Pick<Scope, "memberships" | "memberLookup">,
  userId: string,
  baseUrl: string,
): Promise<ScimObject[]> {
  const links = await scope.memberships.byMembers([userId], MAX_GROUPS);
  if (links.length === 0) return [];
  const names = await scope.memberLookup.groupNames(links.map((link) => link.groupId));
  return links.flatMap((link) => {
    const name = names.get(link.groupId);
    return name === undefined ? [] : [renderUserGroup(baseUrl, link.groupId, name)];
  });
}

/**
 * The attributes derived from memberships at read time: a Group's `members`, a User's `groups`
 * (RFC 7643 §4.1.2, §4.2), for `renderResource`'s `extra`. Read only when the projection
 * (RFC 7644 §3.9) returns them: `excludedAttributes=members`, Entra's group read, never touches the
 * membership documents. A group without members shows `members: []`; a user in no group has no `groups`.
 */
export async function derivedAttributes(
  scope: Pick<Scope, "resourceTypes" | "memberships" | "memberLookup">,
  kind: ResourceKind,
  id: string,
  projection: Projection,
  baseUrl: string,
): Promise<ScimObject> {
  const type = scope.resourceTypes[kind];
  if (kind === "Group") {
    if (!isReturned(type, projection, "members")) return {};
    return { members: await readMembers(scope.memberships, id, baseUrl) };
  }
  if (!isReturned(type, projection, "groups")) return {};
  const groups = await readUserGroups(scope, id, baseUrl);
  return groups.length > 0 ? { groups } : {};
}
