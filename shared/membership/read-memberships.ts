import { ScimError } from "../errors/scim-error.js";
import type { ResourceKind, Scope } from "../operations/operation.js";
import { isReturned, type Projection } from "../schema/projection.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { GroupRef, StoredResource } from "../store/documents.js";
import type { MembershipLink, MembershipStore } from "../store/membership-store.js";

/**
 * Most members one list page may return in all (its groups' `members` together): a page of groups
 * with more asks for `excludedAttributes=members`, a smaller `count`, or GET /Groups/{id}.
 */
export const MAX_PAGE_MEMBERS = 100_000;

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
export async function forEachMember(
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
  scope: Pick<Scope, "memberships" | "memberLookup">,
  groupId: string,
  baseUrl: string,
): Promise<ScimObject[]> {
  const members: ScimObject[] = [];
  let continuation: string | undefined;
  do {
    const page = await scope.memberships.membersPage(groupId, continuation);
    for (const member of await present(scope, page.items)) members.push(renderMember(baseUrl, member));
    continuation = page.continuation;
  } while (continuation);
  return members;
}

/**
 * The memberships whose member still exists. A DELETE removes the resource first and its
 * memberships after; a reader in between (or after a DELETE that failed midway and has not been
 * retried yet) must not show a member that is gone.
 */
async function present(
  scope: Pick<Scope, "memberLookup">,
  links: readonly MembershipLink[],
): Promise<MembershipLink[]> {
  if (links.length === 0) return [];
  const existing = await scope.memberLookup.existing(links.map((link) => link.memberId));
  return links.filter((link) => existing.has(link.memberId));
}

/**
 * The groups of each of `userIds` from their memberships, under the groups' current names (a group
 * whose sweep is behind, deleted but still named by a membership, is left out), as the `groups` copy
 * holds them: what a copy would be, and what replaces it for a user marked `groupsOverflow`. One
 * membership query and one name query for all of them; undefined when they are in more than
 * `limit` groups together (no name is read then).
 */
export async function groupsFromMemberships(
  scope: Pick<Scope, "memberships" | "memberLookup">,
  userIds: readonly string[],
  limit: number,
): Promise<Map<string, GroupRef[]> | undefined> {
  const links = await scope.memberships.byMembers(userIds, limit);
  if (links.length > limit) return undefined;
  const names = await scope.memberLookup.groupNames(links.map((link) => link.groupId));
  const out = new Map<string, GroupRef[]>();
  for (const link of links) {
    const display = names.get(link.groupId);
    if (display === undefined) continue;
    const list = out.get(link.memberId);
    if (list) list.push({ value: link.groupId, display });
    else out.set(link.memberId, [{ value: link.groupId, display }]);
  }
  return out;
}

/**
 * The read-only `groups` (RFC 7643 §4.1.2) of each user: from the copy on the user document, which
 * the membership writes keep in step (see write-memberships.ts), at no cost; for the users whose
 * groups outgrew the copy (`groupsOverflow`), from their memberships and the groups' current
 * names, one query of each for all of them. A user in no group has no entry.
 */
export async function userGroups(
  scope: Pick<Scope, "memberships" | "memberLookup">,
  users: readonly Pick<StoredResource, "id" | "groups" | "groupsOverflow">[],
  baseUrl: string,
): Promise<Map<string, ScimObject[]>> {
  const overflow = users.filter((user) => user.groupsOverflow).map((user) => user.id);
  const queried =
    overflow.length > 0
      ? await groupsFromMemberships(scope, overflow, MAX_PAGE_MEMBERS)
      : new Map<string, GroupRef[]>();
  if (!queried) {
    throw new ScimError(
      "tooMany",
      `These users are in more than ${MAX_PAGE_MEMBERS} groups together; ask for fewer (count), or leave groups out (excludedAttributes=groups).`,
    );
  }
  const out = new Map<string, ScimObject[]>();
  for (const user of users) {
    const groups = user.groupsOverflow ? queried.get(user.id) : user.groups;
    if (groups?.length)
      out.set(
        user.id,
        groups.map((g) => renderUserGroup(baseUrl, g.value, g.display)),
      );
  }
  return out;
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
  stored: StoredResource,
  projection: Projection,
  baseUrl: string,
): Promise<ScimObject> {
  const type = scope.resourceTypes[kind];
  if (kind === "Group") {
    if (!isReturned(type, projection, "members")) return {};
    return { members: await readMembers(scope, stored.id, baseUrl) };
  }
  if (!isReturned(type, projection, "groups")) return {};
  const groups = (await userGroups(scope, [stored], baseUrl)).get(stored.id);
  return groups ? { groups } : {};
}

/**
 * `derivedAttributes` for a whole page of a list (RFC 7644 §3.4.2): groups get `members` (`[]` when
 * none) from one membership query for the page, never one per item; users get `groups` from their
 * documents at no cost (one query for those marked `groupsOverflow`); nothing is read when the
 * projection leaves the attribute out.
 */
export async function derivedForPage(
  scope: Pick<Scope, "resourceTypes" | "memberships" | "memberLookup">,
  kind: ResourceKind,
  items: readonly StoredResource[],
  projection: Projection,
  baseUrl: string,
): Promise<Map<string, ScimObject>> {
  const type = scope.resourceTypes[kind];
  const out = new Map<string, ScimObject>();
  const ids = items.map((item) => item.id);
  if (ids.length === 0) return out;
  if (kind === "Group") {
    if (!isReturned(type, projection, "members")) return out;
    const links = await scope.memberships.byGroups(ids, MAX_PAGE_MEMBERS);
    if (links.length > MAX_PAGE_MEMBERS) {
      throw new ScimError(
        "tooMany",
        `The groups of this page have more than ${MAX_PAGE_MEMBERS} members together; ask for fewer (count), or leave members out (excludedAttributes=members).`,
      );
    }
    const members = new Map<string, ScimObject[]>(ids.map((id) => [id, []]));
    for (const link of await present(scope, links))
      members.get(link.groupId)?.push(renderMember(baseUrl, link));
    for (const [id, list] of members) out.set(id, { members: list });
    return out;
  }
  if (!isReturned(type, projection, "groups")) return out;
  for (const [id, groups] of await userGroups(scope, items, baseUrl)) out.set(id, { groups });
  return out;
}
