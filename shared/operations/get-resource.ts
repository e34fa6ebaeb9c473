import { derivedAttributes } from "../membership/read-memberships.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { notFound, projectionOf, respondWithResource } from "./resource-responses.js";

/**
 * GET /Users/{id}, GET /Groups/{id} (RFC 7644 §3.4.1): one point read, plus the membership reads
 * for `members`/`groups` only when the projection returns them.
 */
export function getResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    const id = request.params.id ?? "";
    const stored = await store.read(id);
    if (!stored) throw notFound(type, id);
    const extra = await derivedAttributes(scope, kind, id, projectionOf(request, type), request.baseUrl);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
