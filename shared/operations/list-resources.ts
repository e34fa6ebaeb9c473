import type { Operation } from "../http/scim-handler.js";
import { queryParamsFromUrl } from "./query-params.js";
import { type ResourceKind, resourceOf } from "./resource-kind.js";
import { runQuery } from "./run-query.js";

/** GET /Users, GET /Groups (RFC 7644 §3.4.2). */
export function listResources(kind: ResourceKind): Operation {
  return async (request, services, tenantId) => {
    const { type, store } = resourceOf(services, kind);
    return runQuery(request, services, tenantId, type, store, queryParamsFromUrl(request.url));
  };
}
