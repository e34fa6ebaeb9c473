import type { ScimObject } from "../schema/scim-json.js";
import type { Services } from "../services.js";
import { renderUserGroup } from "./render-member.js";

/** Far above any real user's direct group count; bounds the work of one read. */
const MAX_GROUPS = 100_000;

/**
 * A User's read-only `groups` (RFC 7643 §4.1.2), derived from the memberships naming the user: one
 * query for the memberships, one for the groups' display names. A membership whose group is gone
 * (a delete still sweeping) is skipped, so no dangling reference is ever shown.
 */
export async function readUserGroups(
  services: Pick<Services, "memberships" | "memberLookup">,
  tenantId: string,
  userId: string,
  baseUrl: string,
): Promise<ScimObject[]> {
  const links = await services.memberships.byMembers(tenantId, [userId], MAX_GROUPS);
  if (links.length === 0) return [];
  const names = await services.memberLookup.groupNames(
    tenantId,
    links.map((link) => link.groupId),
  );
  return links.flatMap((link) => {
    const name = names.get(link.groupId);
    return name === undefined ? [] : [renderUserGroup(baseUrl, link.groupId, name)];
  });
}
