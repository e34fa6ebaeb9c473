import type { MembershipLink, MembershipStore } from "../store/membership-store.js";

/**
 * Visits every member of a group page by page (Cosmos continuation tokens), so that a 100,000-member
 * group never needs one response over Cosmos's limits and each page can be dropped once visited.
 */
export async function forEachMember(
  memberships: MembershipStore,
  tenantId: string,
  groupId: string,
  visit: (member: MembershipLink) => void,
): Promise<void> {
  let continuation: string | undefined;
  do {
    const page = await memberships.membersPage(tenantId, groupId, continuation);
    for (const member of page.items) visit(member);
    continuation = page.continuation;
  } while (continuation);
}
