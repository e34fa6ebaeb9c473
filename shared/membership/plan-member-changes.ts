import { ScimError } from "../errors/scim-error.js";
import type { MemberChanges, MemberRef } from "../patch/member-changes.js";
import { isObject, type ScimValue } from "../schema/scim-json.js";
import type { MemberLookup } from "../store/member-lookup.js";
import type { MemberRecord } from "../store/membership-store.js";

/**
 * A request's member changes with every added member checked to exist: ready to write. Either the
 * complete new member list (`replace`: POST, PUT, a PATCH that replaces or clears `members`), or
 * members to remove and to add (a PATCH's add/remove operations).
 */
export interface MemberPlan {
  replace: MemberRecord[] | undefined;
  remove: string[];
  add: MemberRecord[];
}

/** How many missing ids an error names; the rest are counted, so the detail stays readable. */
const NAMED = 10;

/** 400 invalidValue (RFC 7644 §3.12) naming the member ids that are no User or Group of the tenant. */
export function missingMembersError(missing: readonly string[]): ScimError {
  const named = missing
    .slice(0, NAMED)
    .map((id) => JSON.stringify(id))
    .join(", ");
  const more = missing.length > NAMED ? ` and ${missing.length - NAMED} more` : "";
  return new ScimError(
    "invalidValue",
    `Attribute 'members': no User or Group with id ${named}${more} exists; nothing was changed.`,
  );
}

/**
 * The distinct member ids of `refs`, in first-mention order. A group cannot be its own member
 * (RFC 7643 §4.2 allows nested groups, not a group inside itself): 400 invalidValue.
 */
export function memberIds(groupId: string, refs: readonly MemberRef[]): string[] {
  const ids = [...new Set(refs.map((ref) => ref.value))];
  if (ids.includes(groupId)) {
    throw new ScimError("invalidValue", `A group cannot be a member of itself (members value "${groupId}").`);
  }
  return ids;
}

/**
 * The member references of a parsed Group's `members` (RFC 7643 §4.2), already validated against
 * the schema. `value` (the member's id) is what a membership is keyed on, so it is required.
 */
export function memberRefs(members: ScimValue | undefined): MemberRef[] {
  if (members === undefined || members === null) return [];
  const list = Array.isArray(members) ? members : [members];
  return list.map((member, i) => {
    const value = isObject(member) ? member.value : undefined;
    if (typeof value !== "string" || value === "") {
      throw new ScimError(
        "invalidValue",
        `Attribute 'members[${i}].value' is required: the id of the member.`,
      );
    }
    const type = isObject(member) && typeof member.type === "string" ? { type: member.type } : {};
    return { value, ...type };
  });
}

/**
 * Checks that every referenced member is an existing User or Group of the tenant (one lookup for
 * the whole request) and returns them with their actual type; a client's `type` is only a hint
 * (RFC 7643 §4.2), the stored resource decides. Runs before any write, so a request naming a
 * missing member is rejected with 400 invalidValue and changes nothing.
 */
export async function resolveMembers(
  lookup: MemberLookup,
  groupId: string,
  refs: readonly MemberRef[],
): Promise<MemberRecord[]> {
  const ids = memberIds(groupId, refs);
  if (ids.length === 0) return [];
  const found = await lookup.existing(ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw missingMembersError(missing);
  return ids.map((id) => {
    const member = found.get(id);
    return { id, type: member?.type ?? "User", ...(member?.seen ? { seen: member.seen } : {}) };
  });
}

/**
 * Plans a Group PATCH's member changes (RFC 7644 §3.5.2), folded from its operations by the PATCH
 * compiler: every added member must exist and not be the group itself, else 400 and nothing is
 * written.
 */
export async function planMemberChanges(
  lookup: MemberLookup,
  groupId: string,
  changes: MemberChanges,
): Promise<MemberPlan> {
  const add = await resolveMembers(lookup, groupId, changes.add);
  return changes.removeAll
    ? { replace: add, remove: [], add: [] }
    : { replace: undefined, remove: [...changes.remove], add };
}

/**
 * Plans the complete member list of a POST or PUT Group body (RFC 7644 §3.3, §3.5.1): an absent
 * `members` is the empty list, since a PUT replaces every attribute.
 */
export async function planMemberList(
  lookup: MemberLookup,
  groupId: string,
  members: ScimValue | undefined,
): Promise<MemberPlan> {
  return { replace: await resolveMembers(lookup, groupId, memberRefs(members)), remove: [], add: [] };
}

/**
 * What turns the current member set into `wanted`: writing only the difference keeps unchanged
 * members untouched and the cost proportional to the change, not to the group.
 */
export function diffMembers(
  current: ReadonlySet<string>,
  wanted: readonly MemberRecord[],
): { add: MemberRecord[]; remove: string[] } {
  const wantedIds = new Set(wanted.map((m) => m.id));
  return {
    add: wanted.filter((m) => !current.has(m.id)),
    remove: [...current].filter((id) => !wantedIds.has(id)),
  };
}
