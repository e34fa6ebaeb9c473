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
import { isObject } from "../schema/scim-json.js";
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

/**
 * Most memberships the tests of one filter may examine together. Each test is decided in memory on
 * the memberships of the ids it names, on the instance's one thread: with every test deciding on
 * all the memberships read, a 4,096-character filter repeating 69 tests of a 10,000-member group
 * held that thread for about 1.5 s per request, and every tenant's requests on the instance waited.
 * Tests naming different ids examine each membership once; identical tests are decided once.
 */
export const MAX_MEMBERSHIP_TEST_WORK = 100_000;

/** A membership as the one element of its owner's attribute, in comparison form (`asElement`). */
type Element = ReturnType<typeof asElement>;

/** The `value` of the one element `asElement` built: what a test's `value eq` compares with. */
function elementValue(element: Element, attribute: string): unknown {
  const list = element.normalized[attribute];
  const first = Array.isArray(list) ? list[0] : undefined;
  return isObject(first) ? first.value : undefined;
}

/** The memberships as elements of `attribute`, built once per membership, by their `value`. */
function elementsByValue(type: ResourceType, attribute: string, links: readonly MembershipLink[]) {
  const byValue = new Map<unknown, Element[]>();
  for (const link of links) {
    if (type.id === "User" && link.memberType !== "User") continue;
    const element = asElement(type, link, attribute);
    const value = elementValue(element, attribute);
    const list = byValue.get(value);
    if (list) list.push(element);
    else byValue.set(value, [element]);
  }
  return byValue;
}

/**
 * The owners (groups, or users) each external test matches, sorted. A test can only match the
 * elements whose `value` is one of the ids it names (`externalFilterIds`: its `value eq` tests,
 * which compare by `===`), so only those are evaluated; a test written twice is decided once.
 * 400 tooMany when the tests would examine more than MAX_MEMBERSHIP_TEST_WORK memberships.
 */
function matchingOwners(
  type: ResourceType,
  named: ReadonlyMap<ExternalFilter, readonly string[]>,
  links: readonly MembershipLink[],
): Map<ExternalFilter, string[]> {
  const indexes = new Map<string, Map<unknown, Element[]>>();
  const decided = new Map<string, string[]>();
  const out = new Map<ExternalFilter, string[]>();
  let work = 0;
  for (const [external, ids] of named) {
    const key = JSON.stringify([external.attribute, external.filter]);
    let owners = decided.get(key);
    if (!owners) {
      let index = indexes.get(external.attribute);
      if (!index) {
        index = elementsByValue(type, external.attribute, links);
        indexes.set(external.attribute, index);
      }
      const candidates = [...new Set(ids)].flatMap((id) => index.get(id) ?? []);
      work += candidates.length;
      if (work > MAX_MEMBERSHIP_TEST_WORK) {
        throw new ScimError(
          "tooMany",
          `The tests on "${external.attribute}" would examine more than ${MAX_MEMBERSHIP_TEST_WORK} memberships together (each test examines every membership of the ids it names); send fewer tests naming the same ids.`,
        );
      }
      const found = new Set<string>();
      for (const { owner, normalized } of candidates) {
        // The whole bracket filter is checked on each membership, so `and type eq "User"` is honoured.
        if (evaluateFilter(external.filter, { id: owner, normalized })) found.add(owner);
      }
      // Sorted, so that tests matching the same resources are seen to (and share a parameter).
      owners = [...found].sort();
      decided.set(key, owners);
    }
    out.set(external, owners);
  }
  return out;
}

/**
 * Compiles a filter that tests Group `members` or User `groups` (RFC 7644 §3.4.2.2), e.g. Entra's
 * `members[value eq "<userId>"]`: the memberships of every id the tests name are read with ONE
 * indexed query (on memberId or groupId, however many tests are OR-ed), each test is decided in
 * memory on the memberships of the ids it names (at most MAX_MEMBERSHIP_TEST_WORK examined in all),
 * and becomes `ARRAY_CONTAINS(@ids, c.id)` in the resource query.
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
  const named = new Map<ExternalFilter, string[]>();
  for (const external of externals) {
    const pinned = externalFilterIds(external);
    if (!pinned) {
      throw invalidFilter(
        `A filter on "${external.attribute}" must name the ids it looks for, e.g. ${external.attribute}[value eq "<id>"]`,
      );
    }
    named.set(external, pinned);
    for (const id of pinned) ids.add(id);
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
  // Identical tests already share one array (matchingOwners): it is serialised once.
  const serialised = new Map<string[], string>();
  const matches = new Map(
    [...matchingOwners(type, named, links)].map(([external, ids]) => {
      const key = serialised.get(ids) ?? JSON.stringify(ids);
      serialised.set(ids, key);
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
