import { ScimError } from "../errors/scim-error.js";
import { bindFilter } from "../filter/bind-filter.js";
import type { ExternalFilter } from "../filter/bound-filter.js";
import { compileFilter, type SqlFilter } from "../filter/compile-filter.js";
import { evaluateFilter } from "../filter/evaluate-filter.js";
import { findExternalFilters } from "../filter/find-external-filters.js";
import { invalidFilter } from "../filter/invalid-filter.js";
import { parseFilter } from "../filter/parse-filter.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { Services } from "../services.js";
import type { MembershipLink } from "../store/membership-store.js";
import { externalFilterIds } from "./external-filter-ids.js";

/** Most resources one membership test may match: their ids travel as one query parameter. */
export const MAX_MEMBERSHIP_MATCHES = 10_000;

/**
 * A membership as the element of the attribute a filter tests, in the comparison form the filter
 * binder produced its literals in (caseExact=false strings lower-cased): a Group's `members`
 * element {value, type}, or a User's `groups` element {value, type: "direct"}.
 */
function asElement(type: ResourceType, link: MembershipLink) {
  return type.id === "Group"
    ? { owner: link.groupId, element: { value: link.memberId, type: link.memberType.toLowerCase() } }
    : { owner: link.memberId, element: { value: link.groupId.toLowerCase(), type: "direct" } };
}

async function matchingIds(
  services: Pick<Services, "memberships">,
  tenantId: string,
  type: ResourceType,
  filter: ExternalFilter,
): Promise<string[]> {
  const ids = externalFilterIds(filter);
  if (!ids) {
    throw invalidFilter(
      `A filter on "${filter.attribute}" must name the ids it looks for, e.g. ${filter.attribute}[value eq "<id>"]`,
    );
  }
  const links =
    type.id === "Group"
      ? await services.memberships.byMembers(tenantId, ids, MAX_MEMBERSHIP_MATCHES)
      : await services.memberships.byGroups(tenantId, ids, MAX_MEMBERSHIP_MATCHES);
  if (links.length > MAX_MEMBERSHIP_MATCHES) {
    throw new ScimError(
      "tooMany",
      `The filter on "${filter.attribute}" matches more than ${MAX_MEMBERSHIP_MATCHES} memberships; narrow it.`,
    );
  }
  const owners = new Set<string>();
  for (const link of links) {
    if (type.id === "User" && link.memberType !== "User") continue;
    const { owner, element } = asElement(type, link);
    // The whole bracket filter is checked on each membership, so `and type eq "User"` is honoured.
    if (evaluateFilter(filter.filter, { id: owner, n: { [filter.attribute]: [element] } })) owners.add(owner);
  }
  return [...owners];
}

/**
 * Compiles a filter that tests Group `members` or User `groups` (RFC 7644 §3.4.2.2), e.g. Entra's
 * `members[value eq "<userId>"]`: each such test is looked up in the memberships first (one indexed
 * query on memberId or groupId), then becomes `ARRAY_CONTAINS(@ids, c.id)` in the resource query.
 * Returns undefined when the filter has no such test, so the ordinary compilation applies.
 */
export async function membershipFilter(
  services: Pick<Services, "memberships">,
  tenantId: string,
  type: ResourceType,
  filter: string | undefined,
): Promise<SqlFilter | undefined> {
  if (filter === undefined) return undefined;
  const bound = bindFilter(parseFilter(filter), type);
  const externals = findExternalFilters(bound);
  if (externals.length === 0) return undefined;
  const matches = new Map<ExternalFilter, string[]>();
  for (const external of externals) {
    matches.set(external, await matchingIds(services, tenantId, type, external));
  }
  return compileFilter(bound, {
    resolveExternal: (node, addParameter) => `ARRAY_CONTAINS(${addParameter(matches.get(node) ?? [])}, c.id)`,
  });
}
