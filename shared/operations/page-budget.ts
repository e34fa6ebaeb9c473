import { jsonSize } from "../schema/json-size.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/documents.js";

/**
 * How many of a page's rendered resources, from the first, its `Resources` may hold within
 * `budget` bytes of JSON (RFC 7644 §3.4.2.4: a server may return fewer than `count`; `itemsPerPage`
 * says how many). Never none of some: a resource larger than the budget comes alone, so that
 * paging always moves on.
 */
export function fitInBudget(resources: readonly ScimObject[], budget: number): number {
  let bytes = 0;
  for (const [i, resource] of resources.entries()) {
    // The comma between resources counts too.
    bytes += jsonSize(resource) + (i > 0 ? 1 : 0);
    if (bytes > budget) return Math.max(1, i);
  }
  return resources.length;
}

/**
 * What a stored resource will take rendered, near enough to stop reading a page once its budget
 * is met: the resource and its `groups` copy, the bulk of it. (Only a measure of what was read;
 * the rendered page is measured again by {@link fitInBudget}, derived `members` and all.)
 */
export const storedBytes = (item: StoredResource): number =>
  jsonSize(item.resource) + (item.groups ? jsonSize(item.groups) : 0);
