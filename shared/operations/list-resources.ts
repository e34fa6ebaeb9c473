// ready-for-groups
import type { Operation } from "../http/scim-handler.js";
import { filteredStore } from "../members/filtered-store.js";
import { membershipFilter } from "../members/membership-filter.js";
import { queryParamsFromUrl } from "./query-params.js";
import { type ResourceKind, resourceOf } from "./resource-kind.js";
import { runQuery } from "./run-query.js";

/**
 * GET /Users, GET /Groups (RFC 7644 §3.4.2). A filter testing Group `members` or User `groups`
 * (Entra's `members[value eq "<id>"]`) is resolved against the memberships first and then runs
 * through the same query pipeline, restricted to the matching ids.
 */
export function listResources(kind: ResourceKind): Operation {
  return async (request, services, tenantId) => {
    const { type, store } = resourceOf(services, kind);
    const params = queryParamsFromUrl(request.url);
    const sql = await membershipFilter(services, tenantId, type, params.filter);
    if (!sql) return runQuery(request, services, tenantId, type, store, params);
    return runQuery(request, services, tenantId, type, filteredStore(store, sql), {
      ...params,
      filter: undefined,
    });
  };
}
