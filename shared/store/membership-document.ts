/** What a group member is: RFC 7643 §4.2 `members.type` canonical values. */
export type MemberType = "User" | "Group";

/**
 * One group membership as stored in the `memberships` container (DESIGN.md: one small document
 * per (group, member), never an array inside the group, so a member change is O(1) whatever the
 * group size and no group can reach the 2 MB item limit).
 */
export interface MembershipDocument {
  /** `membershipId(groupId, memberId)`: deterministic, so adding an existing member is a 409 no-op. */
  id: string;
  tenantId: string;
  groupId: string;
  memberId: string;
  memberType: MemberType;
  created: string;
}

/** Cosmos item ids cannot contain these; an id holding one cannot name a stored resource. */
const FORBIDDEN_ID_CHARACTERS = /[/\\?#]/;

/** Whether `id` can be a Cosmos item id, so a point operation on it is meaningful. */
export const isStorableId = (id: string): boolean =>
  id.length > 0 && id.length <= 255 && !FORBIDDEN_ID_CHARACTERS.test(id);

/**
 * The membership document id. Resource ids are server-generated UUIDs (no `~`), so the pair is
 * unambiguous; callers check `isStorableId` on client-supplied member ids before using it.
 */
export const membershipId = (groupId: string, memberId: string): string => `${groupId}~${memberId}`;
