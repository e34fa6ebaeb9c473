/** One member to add: the member's resource id and, when the client gave it, `User` or `Group`. */
export interface MemberRef {
  value: string;
  type?: string;
}

/**
 * The net effect of a PATCH on a multi-valued attribute stored outside the resource (Group
 * `members`: one document per member). Apply in this order: if `removeAll`, delete every existing
 * member; delete the ids in `remove`; add `add` (skipping members that already exist).
 * Invariants: `add` and `remove` share no id; `remove` is empty when `removeAll` is true, and then
 * `add` is the complete new member list.
 */
export interface MemberChanges {
  removeAll: boolean;
  remove: string[];
  add: MemberRef[];
}

/** One member operation, in request order. */
export type MemberChange =
  | { kind: "add"; members: readonly MemberRef[] }
  | { kind: "remove"; values: readonly string[] }
  | { kind: "removeAll" }
  | { kind: "replace"; members: readonly MemberRef[] };

/** The changes of a request that does not touch the attribute. */
export const emptyMemberChanges = (): MemberChanges => ({ removeAll: false, remove: [], add: [] });

/**
 * Folds member operations, in request order, onto the net changes `from` (RFC 7644 §3.5.2:
 * operations apply in order). Member ids are compared exactly (`members.value` is caseExact); a
 * later mention of an id wins, so a type given in a later operation is kept, and first mentions
 * keep their order. Linear in the operations' members: one Map and one Set are updated in place,
 * where folding each operation into new arrays cost the size of everything folded so far, so an
 * Entra-shaped PATCH (8,000 members added, then 999 one-member operations) held the instance's
 * one thread for 8 s. Pure for the caller: `from` is not modified.
 */
export function foldMemberChanges(
  changes: readonly MemberChange[],
  from: MemberChanges = emptyMemberChanges(),
): MemberChanges {
  let removeAll = from.removeAll;
  let remove = new Set(from.remove);
  let add = new Map(from.add.map((m) => [m.value, m] as const));
  for (const change of changes) {
    switch (change.kind) {
      case "add":
        for (const member of change.members) {
          remove.delete(member.value);
          add.set(member.value, member);
        }
        break;
      case "remove":
        for (const id of change.values) {
          add.delete(id);
          // After a removeAll the members are gone already: nothing more to delete.
          if (!removeAll) remove.add(id);
        }
        break;
      case "removeAll":
      case "replace":
        removeAll = true;
        remove = new Set();
        add = new Map(change.kind === "replace" ? change.members.map((m) => [m.value, m] as const) : []);
        break;
    }
  }
  return { removeAll, remove: [...remove], add: [...add.values()] };
}
