import { derivedAttributes } from "../membership/read-memberships.js";
import { etagValue, weakEtag } from "../schema/render-resource.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { notFound, projectionOf, respondWithResource } from "./resource-responses.js";

/**
 * RFC 7644 §3.14 / RFC 7232 §3.2: an `If-None-Match` naming the current version (or `*`) means the
 * client's copy is current. Weak comparison, as every version here is a weak ETag.
 */
function isCurrent(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const current = etagValue(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || etagValue(tag) === current);
}

/**
 * GET /Users/{id}, GET /Groups/{id} (RFC 7644 §3.4.1): one point read (a user's `groups` are on its
 * document), plus the membership reads for a group's `members` only when the projection returns them.
 * A client whose `If-None-Match` names the current version gets 304 and no body (§3.14).
 */
export function getResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    const id = request.params.id ?? "";
    const stored = await store.read(id);
    if (!stored) throw notFound(type, id);
    if (isCurrent(request.header("if-none-match"), stored.etag)) {
      return { status: 304, headers: { ETag: weakEtag(stored.etag) } };
    }
    const extra = await derivedAttributes(scope, kind, stored, projectionOf(request, type), request.baseUrl);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
