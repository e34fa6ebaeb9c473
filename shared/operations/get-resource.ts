import { derivedAttributes } from "../membership/read-memberships.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { notFound, projectionOf, respondWithResource } from "./resource-responses.js";

/**
 * GET /Users/{id}, GET /Groups/{id} (RFC 7644 §3.4.1): one point read (a user's `groups` are on its
 * document), plus the membership reads for a group's `members` only when the projection returns them.
 */
export function getResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    const id = request.params.id ?? "";
    const stored = await store.read(id);
    if (!stored) throw notFound(type, id);
    const extra = await derivedAttributes(scope, kind, stored, projectionOf(request, type), request.baseUrl);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
