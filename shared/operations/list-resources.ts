import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { queryParamsFromSearch, queryParamsFromUrl } from "./query-params.js";
import { runQuery } from "./run-query.js";

/** GET /Users, GET /Groups (RFC 7644 §3.4.2). */
export function listResources(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    return runQuery(request, scope, type, store, queryParamsFromUrl(request.url));
  };
}

/** POST /Users/.search, POST /Groups/.search (RFC 7644 §3.4.3): the same query, from a body. */
export function searchResources(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    return runQuery(request, scope, type, store, queryParamsFromSearch(request.body));
  };
}
