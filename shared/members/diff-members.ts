import type { MemberRecord } from "../store/membership-store.js";

export interface MemberDiff {
  add: MemberRecord[];
  remove: string[];
}

/**
 * What turns the current member set into `wanted` (RFC 7644 §3.5.1 PUT and §3.5.2.3 replace of
 * `members`): writing only the difference keeps unchanged members untouched and the cost
 * proportional to the change, not to the group.
 */
export function diffMembers(current: ReadonlySet<string>, wanted: readonly MemberRecord[]): MemberDiff {
  const wantedIds = new Set(wanted.map((m) => m.id));
  return {
    add: wanted.filter((m) => !current.has(m.id)),
    remove: [...current].filter((id) => !wantedIds.has(id)),
  };
}
