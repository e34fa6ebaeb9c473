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

function withAdded(add: readonly MemberRef[], members: readonly MemberRef[]): MemberRef[] {
  // A Map keeps first-mention order and makes large member batches linear; the later mention of an
  // id wins, so a type given in a later operation is kept.
  const byId = new Map(add.map((m) => [m.value, m] as const));
  for (const member of members) byId.set(member.value, member);
  return [...byId.values()];
}

/**
 * Folds one member operation into the net changes so far (RFC 7644 §3.5.2: operations apply in
 * order). Member ids are compared exactly (`members.value` is caseExact). Pure: returns a new object.
 */
export function recordMemberChange(changes: MemberChanges, change: MemberChange): MemberChanges {
  let { removeAll, remove, add } = changes;
  switch (change.kind) {
    case "add": {
      const ids = new Set(change.members.map((m) => m.value));
      remove = remove.filter((id) => !ids.has(id));
      add = withAdded(add, change.members);
      break;
    }
    case "remove": {
      const ids = new Set(change.values);
      add = add.filter((m) => !ids.has(m.value));
      // After a removeAll the members are gone already: nothing more to delete.
      if (!removeAll) remove = [...new Set([...remove, ...change.values])];
      break;
    }
    case "removeAll":
      removeAll = true;
      remove = [];
      add = [];
      break;
    case "replace":
      removeAll = true;
      remove = [];
      add = withAdded([], change.members);
      break;
  }
  return { removeAll, remove, add };
}
