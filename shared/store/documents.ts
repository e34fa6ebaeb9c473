import type { ScimObject } from "../schema/scim-json.js";

/**
 * The storage contract: what the containers hold, field by field. Applications may read these
 * documents straight from Cosmos DB (docs/storage.md); the field names below are stable.
 */

/**
 * One User or Group, in the `users` or `groups` container. `resource` is the resource as the client
 * sent it (canonical attribute names, extensions under their URN, `meta.created` and
 * `meta.lastModified`); `normalized` has the same shape with every case-insensitive string
 * lower-cased and every dateTime as a UTC ISO instant, so that filters and the unique key are plain
 * indexed equality and range lookups (Cosmos DB unique keys and indexes are case-sensitive).
 */
export interface ResourceDocument {
  id: string;
  tenantId: string;
  resource: ScimObject;
  normalized: ScimObject;
  /** scrypt hash of a writeOnly password; never returned, never filterable. */
  passwordHash?: string;
  /**
   * Users only: the groups the user is a direct member of, with their display names, kept in step
   * with the `memberships` documents (the source of truth) so that reading a user costs one read.
   */
  groups?: GroupRef[];
  /**
   * Users only: true while the user's groups do not fit the copy's budget (`GROUPS_COPY_MAX_BYTES`):
   * `groups` is then empty and readers take the user's groups from the memberships. false (or
   * absent): `groups` is the copy.
   */
  groupsOverflow?: boolean;
  /** Groups only: the displayName every member's `groups` entry carries (a rename propagates to it). */
  namesPropagated?: string;
  _etag?: string;
}

/** One entry of a user's `groups`: RFC 7643 §4.1.2 `value` and `display`. */
export type GroupRef = { value: string; display: string };

/** What reads return: `normalized` is never needed to render a resource, so reads do not fetch it. */
export type StoredResource = Pick<
  ResourceDocument,
  "id" | "resource" | "passwordHash" | "groups" | "groupsOverflow" | "namesPropagated"
> & {
  etag: string;
};

/**
 * A user as a membership change saw it before writing: its version and its `groups` copy, so that
 * the copy can be brought in step without reading the user again.
 */
export type SeenUser = Pick<StoredResource, "etag" | "groupsOverflow"> & { groups: GroupRef[] };

/** What a change sees of a user it read or wrote. */
export const seenUser = (user: Pick<StoredResource, "etag" | "groups" | "groupsOverflow">): SeenUser => ({
  etag: user.etag,
  groups: user.groups ?? [],
  ...(user.groupsOverflow ? { groupsOverflow: true } : {}),
});

/**
 * The most a user's `groups` copy may take, as UTF-8 JSON: about 640 groups with 40-character
 * names, 200 with 256-character ones. A user document is written with this much of Cosmos DB's
 * item limit kept free (`MAX_ITEM_BYTES`), so the copy can never push it past the limit; a copy
 * that would outgrow it is not written, and the user is marked `groupsOverflow` instead.
 */
export const GROUPS_COPY_MAX_BYTES = 64 * 1024;

/** Whether `groups` fits a user document's copy budget. */
export const fitsGroupsCopy = (groups: readonly GroupRef[]): boolean =>
  Buffer.byteLength(JSON.stringify(groups)) <= GROUPS_COPY_MAX_BYTES;

/** What a group member is: RFC 7643 §4.2 `members.type` canonical values. */
export type MemberType = "User" | "Group";

/**
 * One group membership, in the `memberships` container: one small document per (group, member),
 * never an array inside the group, so a member change costs the same whatever the group size and no
 * group can reach Cosmos DB's 2 MB item limit.
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
/** The SDK throws (before any request) on an id of white space only (`/Users/%20`), as on an empty one. */
const BLANK_ID = /^\s*$/;

/** Whether `id` can be a Cosmos item id, so a point operation on it is meaningful. */
export const isStorableId = (id: string): boolean =>
  !BLANK_ID.test(id) && id.length <= 255 && !FORBIDDEN_ID_CHARACTERS.test(id);

/**
 * The membership document id. Resource ids are server-generated UUIDs (no `~`), so the pair is
 * unambiguous; callers check `isStorableId` on client-supplied member ids before using it.
 */
export const membershipId = (groupId: string, memberId: string): string => `${groupId}~${memberId}`;
