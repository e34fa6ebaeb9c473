import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { ScimError } from "../errors/scim-error.js";
import type { Scope } from "../operations/operation.js";
import {
  fitsGroupsCopy,
  GROUPS_COPY_MAX_BYTES,
  type GroupRef,
  type SeenUser,
  type StoredResource,
  seenUser,
} from "../store/documents.js";
import { mapLimited } from "../store/map-limited.js";
import type { MemberRecord, MembershipLink } from "../store/membership-store.js";
import type { PatchFields, WriteResult } from "../store/resource-store.js";
import { diffMembers, type MemberPlan } from "./plan-member-changes.js";
import { forEachMember, groupsFromMemberships } from "./read-memberships.js";

/**
 * The membership write protocol. The `memberships` documents are the truth; two things follow
 * them: a user's `groups` (a copy on the user document, so that reading a user is one read) and a
 * group's `meta.lastModified`/`meta.version` (bumped when its members change, RFC 7643 §3.1).
 *
 * Every step is idempotent and ordered so that a failure at any point leaves a state the same
 * request, retried, completes, and that readers never show half done:
 * - adding writes the membership, then re-checks that group and member still exist
 *   (`confirmMembers`), then brings each user's copy in step (`syncUserGroups`);
 * - deleting a resource deletes it first (readers skip memberships whose target is gone), then
 *   sweeps its memberships page by page: each page's users' copies and parent groups first, the
 *   memberships after, so that a repeated DELETE still finds what an interrupted one left;
 * - a PUT's removed users lose the entry before their memberships go (`dropEntries`), since its
 *   retry no longer sees them as members;
 * - the group's bump follows the membership writes and precedes a PATCH's copies, and is written
 *   whenever the change may be new, not only when this attempt's writes report a change: a retry
 *   (or a write whose answer was lost) meets memberships an earlier try wrote, perhaps with no
 *   bump after them (`unsettled`; a PUT bumps on the difference it read).
 * A user's copy is bounded (`GROUPS_COPY_MAX_BYTES`, with room kept for it in every user
 * document): a copy that would outgrow it is replaced by the `groupsOverflow` mark, readers then
 * take that user's groups from the memberships, and the copy comes back once the groups fit again.
 * Whichever of a concurrent add and delete runs second sees the other's effect, so a membership
 * naming a deleted group or member never survives.
 */
type MemberScope = Pick<Scope, "ctx" | "users" | "groups" | "memberships" | "memberLookup">;

/** Users whose copies are brought in step at once, for one request. */
const SYNCS_IN_FLIGHT = 8;

const backoff = (attempt: number) => Math.random() * Math.min(500, 10 * 2 ** attempt);

/** A user whose document was read before the membership change, and what that change was. */
export interface KnownUser {
  id: string;
  seen: SeenUser;
  /** Whether the membership exists: this request wrote it (or ended it) after that read. */
  member: boolean;
}

/**
 * Brings each user's `groups` entry for `groupId` in step with the truth, and returns the users
 * that no longer exist. Linearizable per user: each attempt reads the user document first, then the
 * membership and the group, and writes the entry conditionally on the user's ETag, always (even
 * when nothing changes, which moves the ETag): so of two concurrent syncs, the one that writes last
 * read the truth after the other had written, whatever the order of the membership changes behind
 * them. The entry exists exactly when the membership and the group both exist, and carries the
 * group's current displayName. When the copy would outgrow its budget, or Cosmos DB refuses it
 * as over the item limit, the user is marked `groupsOverflow` instead (its copy emptied, in the
 * same conditional write); a marked user's sync writes the mark again, which keeps the ETag
 * moving and the user's existence checked exactly as a copy write does. A marked user's removal
 * or rename instead rebuilds the whole copy from the memberships (read after the user, written
 * on its ETag, like any copy): when it fits again, the mark goes and reads are one read again.
 *
 * A `KnownUser` skips the reads on its first attempt: its document was read before this request
 * changed the membership, and `group` (when given) was read after that change, so the same order
 * holds; if the user changed since, the ETag refuses the write and the full attempt follows.
 */
export async function syncUserGroups(
  scope: MemberScope,
  groupId: string,
  users: readonly (string | KnownUser)[],
  group?: StoredResource | null,
): Promise<Set<string>> {
  const gone = new Set<string>();
  const entries = (
    current: readonly GroupRef[],
    member: boolean,
    found: StoredResource | null | undefined,
  ) => {
    const out: GroupRef[] = current.filter((g) => g.value !== groupId);
    if (member && found) out.push({ value: groupId, display: displayNameOf(found) });
    return out;
  };
  const seen = new Map<string, KnownUser>();
  for (const user of users) if (typeof user !== "string") seen.set(user.id, user);
  const ids = [...new Set(users.map((user) => (typeof user === "string" ? user : user.id)))];
  await mapLimited(ids, SYNCS_IN_FLIGHT, async (userId) => {
    const known = seen.get(userId);
    // A removal's entry goes whatever the group is called: it needs no read of the group. A marked
    // user's removal goes to the full attempt, which sees whether the copy fits again; its add
    // keeps the mark.
    if (known && (known.member ? group !== undefined : !known.seen.groupsOverflow)) {
      const copy = known.seen.groupsOverflow ? undefined : entries(known.seen.groups, known.member, group);
      const first = await writeCopy(scope, userId, copy, known.seen);
      if (first.ok) return;
      if (first.reason === "missing") {
        gone.add(userId);
        return;
      }
    }
    for (let attempt = 0; ; attempt++) {
      const user = await scope.users.read(userId);
      if (!user) {
        gone.add(userId);
        return;
      }
      let copy: GroupRef[] | undefined;
      if (user.groupsOverflow) {
        // Marked: the copy is rebuilt whole from the memberships (written only if it fits).
        copy = await rebuildCopy(scope, userId);
      } else {
        const [member, found] = await Promise.all([
          scope.memberships.exists(groupId, userId),
          scope.groups.read(groupId),
        ]);
        copy = entries(user.groups ?? [], member, found);
      }
      const written = await writeCopy(scope, userId, copy, user);
      if (written.ok) return;
      if (written.reason === "missing") {
        gone.add(userId);
        return;
      }
      await pauseBeforeRetry(scope, attempt);
    }
  });
  return gone;
}

/** The fewest bytes one copy entry takes (an id and an empty name): more entries cannot fit. */
const MIN_ENTRY_BYTES =
  JSON.stringify({ value: "00000000-0000-0000-0000-000000000000", display: "" }).length + 1;

/** Before another attempt on a user that changed meanwhile: a jittered pause, or 503 past the budget. */
async function pauseBeforeRetry(scope: MemberScope, attempt: number): Promise<void> {
  const wait = backoff(attempt);
  if (Date.now() + wait >= scope.ctx.deadline) {
    throw new ScimError("unavailable", "The user is being modified concurrently; retry shortly.", {
      "Retry-After": "1",
    });
  }
  await sleep(wait);
}

/**
 * A marked user's whole copy from its memberships, or undefined when it could never fit (no name
 * is read for a user in more groups than that); `writeCopy` checks the budget itself.
 */
async function rebuildCopy(scope: MemberScope, userId: string): Promise<GroupRef[] | undefined> {
  const found = await groupsFromMemberships(
    scope,
    [userId],
    Math.floor(GROUPS_COPY_MAX_BYTES / MIN_ENTRY_BYTES),
  );
  return found ? (found.get(userId) ?? []) : undefined;
}

/** A user whose groups outgrew the copy: the copy emptied, the user marked (see `syncUserGroups`). */
const OVERFLOW: PatchFields = { groups: [], groupsOverflow: true };

/**
 * Writes a user's copy conditionally on the version it was computed from: `groups` (clearing the
 * user's mark if it had one), or the `groupsOverflow` mark when there is no copy to write or it
 * would outgrow its budget, or Cosmos DB refuses it as over the item limit (a document written
 * before the copy had room kept for it).
 */
async function writeCopy(
  scope: MemberScope,
  userId: string,
  groups: readonly GroupRef[] | undefined,
  user: Pick<SeenUser, "etag" | "groupsOverflow">,
): Promise<WriteResult> {
  const copy: PatchFields | undefined =
    groups && fitsGroupsCopy(groups)
      ? { groups: [...groups], ...(user.groupsOverflow ? { groupsOverflow: false } : {}) }
      : undefined;
  const fields = copy ?? OVERFLOW;
  const written = await scope.users.patch(userId, fields, user.etag);
  if (!written.ok && written.reason === "tooLarge" && copy)
    return scope.users.patch(userId, OVERFLOW, user.etag);
  return written;
}

/**
 * Takes `groupId`'s entry out of each user's copy, whatever the memberships say: the first step of
 * ending memberships that a retried request could not find again (a PUT's removed members, whom the
 * retry no longer sees as members). Done before the memberships are deleted, an interruption after
 * the deletion leaves no entry behind; `syncUserGroups` follows the deletion as usual, for an add
 * that races the removal. Until then the copy leads the memberships by this change. Returns the
 * users as they now are: written before the memberships go, each is a `KnownUser` for that sync,
 * whose first attempt then needs no read.
 */
async function dropEntries(
  scope: MemberScope,
  groupId: string,
  users: readonly KnownUser[],
): Promise<KnownUser[]> {
  return mapLimited(users, SYNCS_IN_FLIGHT, async (known): Promise<KnownUser> => {
    let user: Pick<StoredResource, "etag" | "groups" | "groupsOverflow"> | undefined = known.seen;
    for (let attempt = 0; user; attempt++) {
      const groups = user.groups ?? [];
      // A marked user's groups are the memberships themselves: nothing to take out.
      if (user.groupsOverflow || !groups.some((g) => g.value === groupId))
        return { ...known, seen: seenUser(user) };
      const written = await writeCopy(
        scope,
        known.id,
        groups.filter((g) => g.value !== groupId),
        user,
      );
      if (written.ok) return { ...known, seen: seenUser(written.value) };
      if (written.reason === "missing") return known;
      await pauseBeforeRetry(scope, attempt);
      user = await scope.users.read(known.id);
    }
    return known;
  });
}

const displayNameOf = (group: StoredResource) => {
  const name = group.resource.displayName;
  return typeof name === "string" ? name : "";
};

/**
 * The second half of adding members: the group must still exist (404 otherwise, and the new
 * memberships go again), group members must still exist, and user members get their `groups`
 * copy (a user deleted meanwhile loses the membership). Point reads for a few members, one query
 * for many: the cost stays proportional to the request, not to the group. Returns the members
 * that are still there.
 *
 * `after` is the group as written or read after the memberships were (its creation, or the
 * `meta` bump of a member change; null if that found it gone): it is the re-check, and the name
 * users get with them. Without it the group is read here.
 */
export async function confirmMembers(
  scope: MemberScope,
  groupId: string,
  added: readonly MemberRecord[],
  after?: StoredResource | null,
): Promise<MemberRecord[]> {
  if (added.length === 0) return [];
  const ids = added.map((m) => m.id);
  const userIds = added.filter((m) => m.type === "User").map((m) => m.id);
  const users = added
    .filter((m) => m.type === "User")
    .map((m): string | KnownUser => (m.seen ? { id: m.id, seen: m.seen, member: true } : m.id));
  const group = after !== undefined ? after : await scope.groups.read(groupId);
  if (!group) {
    await scope.memberships.remove(groupId, ids);
    await syncUserGroups(scope, groupId, userIds);
    throw new ScimError("notFound", `Group ${JSON.stringify(groupId)} not found.`);
  }
  const nested = added.filter((m) => m.type === "Group").map((m) => m.id);
  const existing = nested.length > 0 ? await scope.memberLookup.existing(nested) : new Map();
  const gone = new Set([
    ...nested.filter((id) => !existing.has(id)),
    ...(await syncUserGroups(scope, groupId, users, group)),
  ]);
  if (gone.size === 0) return [...added];
  await scope.memberships.remove(groupId, [...gone]);
  return added.filter((m) => !gone.has(m.id));
}

/**
 * The users among `ids`, read now, as users whose membership ends (or has ended): a user's `groups`
 * copy then loses the entry in one conditional write (`syncUserGroups`), and an id that names no
 * user needs none. Reads are point reads for a few ids, one query per 1,000 for more.
 */
async function formerMembers(scope: MemberScope, ids: readonly string[]): Promise<(string | KnownUser)[]> {
  return (await formerMembersOf(scope, ids)).users;
}

/** `formerMembers`, and whether any of `ids` names an existing group (a nested member). */
async function formerMembersOf(
  scope: MemberScope,
  ids: readonly string[],
): Promise<{ users: (string | KnownUser)[]; groups: boolean }> {
  if (ids.length === 0) return { users: [], groups: false };
  const found = await scope.memberLookup.existing(ids);
  const users = ids.flatMap((id): (string | KnownUser)[] => {
    const member = found.get(id);
    if (member?.type !== "User") return [];
    return [member.seen ? { id, seen: member.seen, member: false } : id];
  });
  return { users, groups: [...found.values()].some((member) => member.type === "Group") };
}

/**
 * Whether a member change this attempt found nothing left to write for may still lack the group's
 * `meta` bump: an earlier attempt (or this one's first try, whose answer was lost) wrote the
 * memberships and stopped before the bump. A user's `groups` copy is brought in step only after
 * the bump, so a copy read before this attempt wrote that does not show the change yet says the
 * bump may be missing; a member with no copy to tell (a group, a user marked `groupsOverflow`)
 * counts as such. A re-add or removal done long before keeps the version.
 */
function unsettled(
  groupId: string,
  added: readonly MemberRecord[],
  removed: { users: readonly (string | KnownUser)[]; groups: boolean },
): boolean {
  const inCopy = (seen: SeenUser) => seen.groups.some((g) => g.value === groupId);
  return (
    removed.groups ||
    removed.users.some((u) => typeof u === "string" || u.seen.groupsOverflow || inCopy(u.seen)) ||
    added.some((m) => m.type !== "User" || !m.seen || m.seen.groupsOverflow || !inCopy(m.seen))
  );
}

/** Removes members and brings the copies of `users` (the users among them) in step. Returns how many ended. */
async function removeMembers(
  scope: MemberScope,
  groupId: string,
  memberIds: readonly string[],
  users: readonly (string | KnownUser)[],
) {
  if (memberIds.length === 0) return 0;
  const ended = await scope.memberships.remove(groupId, memberIds);
  await syncUserGroups(scope, groupId, users);
  return ended;
}

/** The group's current memberships (its members with their types). */
async function currentMembers(scope: MemberScope, groupId: string): Promise<MembershipLink[]> {
  const links: MembershipLink[] = [];
  await forEachMember(scope.memberships, groupId, (link) => {
    links.push(link);
  });
  return links;
}

/**
 * Makes `wanted` (already checked to exist) the group's complete member list: reads the current
 * members, then removes the extra and adds the missing ones, so unchanged memberships are never
 * touched and the group is never seen empty in between. Idempotent: a retry after a failure midway
 * finishes the job, copies included. The retry sees the memberships as already written, so:
 * - removed users lose the entry before their memberships go (`dropEntries`);
 * - an unchanged user member whose copy, as the plan read it, lacks the group (an earlier attempt
 *   wrote the membership, then stopped) is brought in step with the added ones.
 *
 * A difference written against a member list that another replacement (on another instance) is
 * changing at the same time leaves neither list but their union: both read the old members, both
 * remove them, each adds its own. So once something changed, the members are read again, and any
 * difference left is written again (after a jittered pause, so that two replacements spread out),
 * until a read finds the list wanted: every write of each came before its own final read, so the
 * replacement whose final read comes last leaves its list, as if the two had run one after the
 * other. Members found gone meanwhile leave `wanted` for good (else they would be added forever).
 * Returns the final members and the group as last touched (null when it no longer exists).
 */
async function replaceMembers(
  scope: MemberScope,
  groupId: string,
  wanted: readonly MemberRecord[],
  claim?: () => Promise<void>,
) {
  let members = [...wanted];
  let touched: StoredResource | null | undefined;
  for (let attempt = 0; ; attempt++) {
    // The first pass is the replacement, the second the check; only a third follows a concurrent writer.
    if (attempt > 1) await pauseBeforeRetry(scope, attempt - 2);
    const pass = await replaceOnce(scope, groupId, members, attempt === 0, attempt === 0 ? claim : undefined);
    if (pass.touched !== undefined) touched = pass.touched;
    members = members.filter((m) => !pass.gone.has(m.id));
    // A group deleted meanwhile: its memberships are its DELETE's to sweep, not this request's.
    if (!pass.changed || pass.touched === null) return { members, touched };
  }
}

/**
 * One pass of `replaceMembers`: the difference between the members read now and `wanted`, written.
 * `first`: the plan's reads of the users are current enough to find the copies an interrupted
 * attempt left behind (later passes follow this request's own writes, which brought them in step).
 */
async function replaceOnce(
  scope: MemberScope,
  groupId: string,
  wanted: readonly MemberRecord[],
  first: boolean,
  /** See `applyMemberChanges`: the first pass's, before its first write. */
  claim: (() => Promise<void>) | undefined,
): Promise<{ changed: boolean; touched: StoredResource | null | undefined; gone: Set<string> }> {
  const current = await currentMembers(scope, groupId);
  const currentIds = new Set(current.map((m) => m.memberId));
  const diff = diffMembers(currentIds, wanted);
  if (claim && diff.add.length + diff.remove.length > 0) await claim();
  const removeSet = new Set(diff.remove);
  const removed = current.filter((m) => removeSet.has(m.memberId));
  const removedUsers = await formerMembers(
    scope,
    removed.filter((m) => m.memberType === "User").map((m) => m.memberId),
  );
  const dropped = await dropEntries(
    scope,
    groupId,
    removedUsers.filter((user): user is KnownUser => typeof user !== "string"),
  );
  await removeMembers(
    scope,
    groupId,
    removed.map((m) => m.memberId),
    [...dropped, ...removedUsers.filter((user) => typeof user === "string")],
  );
  await scope.memberships.add(groupId, diff.add);
  const behind = first
    ? wanted.filter(
        (m) =>
          currentIds.has(m.id) &&
          m.seen !== undefined &&
          !m.seen.groupsOverflow &&
          !m.seen.groups.some((g) => g.value === groupId),
      )
    : [];
  // The bump follows the difference read, not what the writes report: a write whose answer was
  // lost reports nothing done (its retry met its own work). Members found behind are an earlier
  // attempt's, which may have stopped before its bump.
  const touched =
    diff.add.length + diff.remove.length > 0 || behind.length > 0
      ? await touchGroup(scope, groupId)
      : undefined;
  const kept = new Set(
    (await confirmMembers(scope, groupId, [...diff.add, ...behind], touched)).map((m) => m.id),
  );
  const gone = new Set(diff.add.filter((m) => !kept.has(m.id)).map((m) => m.id));
  return { changed: diff.add.length + diff.remove.length > 0, touched, gone };
}

/**
 * Creates a group together with its members (RFC 7644 §3.3) in the order no reader can see half
 * done: the memberships first, under the group's new id, where nothing shows them (a membership
 * of a group that does not exist is skipped by every reader); then the group document, which makes
 * group and members appear at once; then `confirmMembers`, which also gives the users their
 * `groups` copy. If the group cannot be created (a taken displayName, the database unavailable),
 * its memberships are removed again; any left behind name an id nothing will ever use and stay
 * invisible. A create that failed only as far as this request can tell (its answer lost, then the
 * budget spent) is checked first: a group that did land keeps its members and is answered created.
 */
export async function createWithMembers(
  scope: MemberScope,
  groupId: string,
  members: readonly MemberRecord[],
  createGroup: () => Promise<WriteResult>,
): Promise<{ created: WriteResult; members: MemberRecord[] }> {
  if (members.length > 0) await scope.memberships.add(groupId, members);
  let created: WriteResult;
  try {
    created = await createGroup();
  } catch (error) {
    if (members.length === 0) throw error;
    // A create whose answer was lost, then retried until the budget ran out (503), may have landed:
    // the group then exists under the id only this request knows, and its memberships are its
    // members. Removing them would leave it visible and empty, and the client's retry would meet
    // its displayName taken (409). So the group is looked for first: found, the request finishes
    // as created; not found, its memberships go; unknown (still unavailable), they stay, invisible
    // if it does not exist.
    const landed = await scope.groups.read(groupId).then(
      (group) => group ?? null,
      () => undefined,
    );
    if (landed)
      return {
        created: { ok: true, value: landed },
        members: await confirmMembers(scope, groupId, members, landed),
      };
    if (landed === null) await scope.memberships.removeReferences(groupId).catch(() => []);
    throw error;
  }
  if (!created.ok) {
    if (members.length > 0) await scope.memberships.removeReferences(groupId).catch(() => []);
    return { created, members: [] };
  }
  // Created after its memberships were written: the group as created is the re-check.
  return { created, members: await confirmMembers(scope, groupId, members, created.value) };
}

/**
 * Writes a plan with point operations (RFC 7644 §3.5.2.1-3 semantics for `members`): removing a
 * non-member and re-adding a member are no-ops, so the cost of adding or removing one member does
 * not depend on the group's size, and a retried request converges. When the members changed, the
 * group's `meta.lastModified` moves (and with it `meta.version`). Returns the group as it now is
 * (undefined when nothing changed and nothing was re-added) and the final member list when the
 * plan replaced it.
 */
export async function applyMemberChanges(
  scope: MemberScope,
  groupId: string,
  plan: MemberPlan,
  /**
   * Called before the first membership write, and only if there is one: a client's If-Match,
   * held on a read, claims the group's version then (`claimVersion`), or the request stops there.
   */
  claim?: () => Promise<void>,
): Promise<{ group: StoredResource | undefined; members: MemberRecord[] | undefined }> {
  if (plan.replace) {
    const { members, touched } = await replaceMembers(scope, groupId, plan.replace, claim);
    return { group: touched ?? undefined, members };
  }
  if (claim && plan.remove.length + plan.add.length > 0) await claim();
  // The removed members, read before the change.
  const removed = await formerMembersOf(scope, plan.remove);
  const ended = plan.remove.length > 0 ? await scope.memberships.remove(groupId, plan.remove) : 0;
  const added = plan.add.length > 0 ? await scope.memberships.add(groupId, plan.add) : 0;
  // The bump comes after the membership writes, so it doubles as the confirm step's re-check,
  // and before the users' copies, so that a copy out of step tells a retry the bump may be
  // missing (`unsettled`): the count of writes alone misses a write whose answer was lost.
  const touched =
    ended + added > 0 || unsettled(groupId, plan.add, removed) ? await touchGroup(scope, groupId) : undefined;
  if (plan.remove.length > 0) await syncUserGroups(scope, groupId, removed.users);
  // A re-add that wrote nothing (a retried request) still brings the users' copies in step, and
  // the group it reads for that is the one the caller answers with: read once, not twice.
  const group = touched === undefined && plan.add.length > 0 ? await scope.groups.read(groupId) : touched;
  await confirmMembers(scope, groupId, plan.add, group ?? null);
  return { group: group ?? undefined, members: undefined };
}

/**
 * Moves a group's `meta.lastModified` (and so its version) after its members changed. Returns the
 * group as patched, or null when it no longer exists.
 */
export async function touchGroup(scope: MemberScope, groupId: string): Promise<StoredResource | null> {
  const touched = await scope.groups.patch(groupId, { lastModified: new Date().toISOString() });
  return touched.ok ? touched.value : null;
}

/**
 * What a group records in `namesPropagated` for `name`: a SHA-256 of it, so that the record adds a
 * few dozen bytes to the group document whatever the name's length (the document already holds the
 * name twice, and a name can take a large part of the item limit).
 */
export const nameMark = (name: string): string =>
  `sha256:${createHash("sha256").update(name).digest("base64url")}`;

/** Whether the group's members carry its current name (documents written before `nameMark` hold the name). */
const namePropagated = (group: StoredResource, name: string) =>
  group.namesPropagated === nameMark(name) || group.namesPropagated === name;

/**
 * After a group's displayName changed: every user member's `groups` copy gets the new name, then
 * the group records that its members carry it (`nameMark`). If this is interrupted, the group
 * still records the old name's mark, so the next write to the group (Entra's retry of the same
 * PATCH included) carries it on. A rename of a group of n users costs about 4n point operations.
 * Returns the group as last written: recording the mark moves its version, and the answer to the
 * rename must carry the version a client's next If-Match will be compared with.
 */
export async function propagateGroupName(scope: MemberScope, group: StoredResource): Promise<StoredResource> {
  const name = displayNameOf(group);
  if (namePropagated(group, name)) return group;
  const users: string[] = [];
  await forEachMember(scope.memberships, group.id, (link) => {
    if (link.memberType === "User") users.push(link.memberId);
  });
  for (let i = 0; i < users.length; i += 1000)
    await syncUserGroups(scope, group.id, users.slice(i, i + 1000));
  // Only if the name did not change again meanwhile (that rename carries its own name on).
  const now = await scope.groups.read(group.id);
  if (!now || displayNameOf(now) !== name) return group;
  const marked = await scope.groups.patch(group.id, { namesPropagated: nameMark(name) }, now.etag);
  return marked.ok ? marked.value : now;
}

/**
 * The memberships of a deleted User or Group go after it (RFC 7644 §3.6), to the end of the query,
 * page by page. What follows from a page is done before its memberships are deleted, so that a
 * repeated DELETE, which finds the memberships an interrupted one left, also finds what it still
 * has to do: the users that were members of a deleted group lose it from their `groups`, and the
 * groups a deleted resource was a member of get a new `meta.lastModified` (readers already leave
 * the deleted member out, so the new version never shows it). Idempotent: a repeated DELETE runs
 * it again and finishes whatever an interrupted one left.
 */
export async function sweepMemberships(scope: MemberScope, id: string): Promise<void> {
  await scope.memberships.removeReferences(id, async (page) => {
    const members = page.filter((l) => l.groupId === id && l.memberType === "User").map((l) => l.memberId);
    // The group is already gone: whatever a sync reads, the entry goes, and no write brings it back.
    if (members.length > 0) await syncUserGroups(scope, id, await formerMembers(scope, members));
    const parents = new Set(page.filter((l) => l.memberId === id).map((l) => l.groupId));
    await mapLimited([...parents], SYNCS_IN_FLIGHT, (groupId) => touchGroup(scope, groupId));
  });
}
