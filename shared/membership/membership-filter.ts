import { ScimError } from "../errors/scim-error.js";
import { bindFilter } from "../filter/bind-filter.js";
import type { BoundFilter, ExternalFilter } from "../filter/bound-filter.js";
import { compileFilter, findExternalFilters, type SqlFilter } from "../filter/compile-filter.js";
import { evaluateFilter } from "../filter/evaluate-filter.js";
import { invalidFilter } from "../filter/invalid-filter.js";
import { parseFilter } from "../filter/parse-filter.js";
import type { Scope } from "../operations/operation.js";
import { normalizeResource } from "../schema/normalize-resource.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { MembershipLink } from "../store/membership-store.js";

/** Most resources one membership test may match: their ids travel as one query parameter. */
export const MAX_MEMBERSHIP_MATCHES = 10_000;

/**
 * A membership as the element of the attribute a filter tests (a Group's `members` element
 * {value, type}, or a User's `groups` element {value, type: "direct"}), in the comparison form the
 * filter binder produced its literals in.
 */
function asElement(type: ResourceType, link: MembershipLink, attribute: string) {
  const owner = type.id === "Group" ? link.groupId : link.memberId;
  const element =
    type.id === "Group"
      ? { value: link.memberId, type: link.memberType }
      : { value: link.groupId, type: "direct" };
  return { owner, normalized: normalizeResource(type, { [attribute]: [element] }) };
}

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

/** The owners (groups, or users) whose memberships pass one external test. */
function owners(type: ResourceType, filter: ExternalFilter, links: readonly MembershipLink[]): string[] {
  const found = new Set<string>();
  for (const link of links) {
    if (type.id === "User" && link.memberType !== "User") continue;
    const { owner, normalized } = asElement(type, link, filter.attribute);
    // The whole bracket filter is checked on each membership, so `and type eq "User"` is honoured.
    if (evaluateFilter(filter.filter, { id: owner, normalized })) found.add(owner);
  }
  // Sorted, so that tests matching the same resources are seen to (and share a parameter).
  return [...found].sort();
}

/**
 * Compiles a filter that tests Group `members` or User `groups` (RFC 7644 §3.4.2.2), e.g. Entra's
 * `members[value eq "<userId>"]`: the memberships of every id the tests name are read with ONE
 * indexed query (on memberId or groupId, however many tests are OR-ed), each test is decided per
 * membership in memory, and becomes `ARRAY_CONTAINS(@ids, c.id)` in the resource query.
 * Returns undefined when the filter has no such test, so the ordinary compilation applies.
 */
export async function membershipFilter(
  scope: Pick<Scope, "memberships">,
  type: ResourceType,
  filter: string | undefined,
): Promise<SqlFilter | undefined> {
  if (filter === undefined) return undefined;
  return membershipSql(scope, type, bindFilter(parseFilter(filter), type));
}

/** `membershipFilter` for a filter already bound to `type` (parsed once by the caller). */
export async function membershipSql(
  scope: Pick<Scope, "memberships">,
  type: ResourceType,
  bound: BoundFilter,
): Promise<SqlFilter | undefined> {
  const externals = findExternalFilters(bound);
  if (externals.length === 0) return undefined;
  const ids = new Set<string>();
  for (const external of externals) {
    const named = externalFilterIds(external);
    if (!named) {
      throw invalidFilter(
        `A filter on "${external.attribute}" must name the ids it looks for, e.g. ${external.attribute}[value eq "<id>"]`,
      );
    }
    for (const id of named) ids.add(id);
  }
  const links =
    type.id === "Group"
      ? await scope.memberships.byMembers([...ids], MAX_MEMBERSHIP_MATCHES)
      : await scope.memberships.byGroups([...ids], MAX_MEMBERSHIP_MATCHES);
  if (links.length > MAX_MEMBERSHIP_MATCHES) {
    throw new ScimError(
      "tooMany",
      `The filter on "${externals[0]?.attribute}" matches more than ${MAX_MEMBERSHIP_MATCHES} memberships; narrow it.`,
    );
  }
  // Every test's ids travel in the query, and Cosmos DB refuses a query over 512 KB or a request
  // over 2 MB (Azure Cosmos DB service quotas), an error that would be a 500: tests that match the
  // same ids share one list (and so one parameter), and the ids of all of them are held to the
  // memberships' bound (10,000 UUIDs are about 390 KB), so that repeating a test cannot multiply a
  // large group.
  const lists = new Map<string, string[]>();
  const matches = new Map(
    externals.map((external) => {
      const ids = owners(type, external, links);
      const key = JSON.stringify(ids);
      const list = lists.get(key) ?? ids;
      lists.set(key, list);
      return [external, list];
    }),
  );
  const total = [...lists.values()].reduce((sum, ids) => sum + ids.length, 0);
  if (total > MAX_MEMBERSHIP_MATCHES) {
    throw new ScimError(
      "tooMany",
      `The tests on "${externals[0]?.attribute}" match more than ${MAX_MEMBERSHIP_MATCHES} resources together; narrow the filter.`,
    );
  }
  const names = new Map<string[], string>();
  return compileFilter(bound, {
    resolveExternal: (node, addParameter) => {
      const ids = matches.get(node) ?? [];
      const name = names.get(ids) ?? addParameter(ids);
      names.set(ids, name);
      return `ARRAY_CONTAINS(${name}, c.id)`;
    },
  });
}
