import type { Operation } from "../http/scim-handler.js";
import { queryParamsFromSearch } from "./query-params.js";
import { type ResourceKind, resourceOf } from "./resource-kind.js";
import { runQuery } from "./run-query.js";

/** POST /Users/.search, POST /Groups/.search (RFC 7644 §3.4.3): the same query, from a body. */
export function searchResources(kind: ResourceKind): Operation {
  return async (request, services, tenantId) => {
    const { type, store } = resourceOf(services, kind);
    return runQuery(request, services, tenantId, type, store, queryParamsFromSearch(request.body));
  };
}
