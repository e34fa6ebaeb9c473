import type { BoundFilter, ExternalFilter } from "../filter/bound-filter.js";

/**
 * The ids a filter on Group `members` / User `groups` can only match (RFC 7644 §3.4.2.2), read from
 * its `value eq "<id>"` tests: `members[value eq "a"]`, `members.value eq "a"`, `members eq "a"`,
 * `or` of those, `and` with other sub-attribute tests. Undefined when the filter does not pin the
 * ids (`members pr`, `not`, `ne`): answering it would mean scanning every membership.
 */
export function externalFilterIds(filter: ExternalFilter): string[] | undefined {
  return ids(filter.filter);
}

function ids(node: BoundFilter): string[] | undefined {
  switch (node.kind) {
    case "any":
      return ids(node.filter);
    case "compare": {
      const { location } = node;
      const onValue =
        location.scope === "element" && location.keys.length === 1 && location.keys[0] === "value";
      return onValue && node.op === "eq" && typeof node.value === "string" ? [node.value] : undefined;
    }
    case "and": {
      const [left, right] = [ids(node.left), ids(node.right)];
      if (left && right) return left.filter((id) => right.includes(id));
      return left ?? right;
    }
    case "or": {
      const [left, right] = [ids(node.left), ids(node.right)];
      return left && right ? [...new Set([...left, ...right])] : undefined;
    }
    default:
      return undefined;
  }
}
