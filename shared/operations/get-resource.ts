import { derivedAttributes } from "../membership/read-memberships.js";
import { namesVersion, weakEtag } from "../schema/render-resource.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { checkIfMatch } from "./preconditions.js";
import { notFound, projectionOf, respondWithResource } from "./resource-responses.js";

/**
 * GET /Users/{id}, GET /Groups/{id} (RFC 7644 §3.4.1): one point read (a user's `groups` are on its
 * document), plus the membership reads for a group's `members` only when the projection returns them.
 * A client whose `If-None-Match` names the current version gets 304 and no body (§3.14); one whose
 * `If-Match` names another version gets 412 (RFC 7232 §3.1).
 */
export function getResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    const id = request.params.id ?? "";
    const stored = await store.read(id);
    if (!stored) throw notFound(type, id);
    // RFC 7232 §3.1, checked first (§6): an If-Match naming another version is 412 on a read too.
    checkIfMatch(request.header("if-match"), stored.etag);
    // RFC 7644 §3.14: an If-None-Match naming the current version means the client's copy is current.
    const ifNoneMatch = request.header("if-none-match");
    if (ifNoneMatch !== undefined && namesVersion(ifNoneMatch, stored.etag)) {
      return { status: 304, headers: { ETag: weakEtag(stored.etag) } };
    }
    const extra = await derivedAttributes(scope, kind, stored, projectionOf(request, type), request.baseUrl);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
