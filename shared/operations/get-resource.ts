import type { Operation } from "../http/scim-handler.js";
import { derivedAttributes } from "../members/derived-attributes.js";
import { notFound } from "./not-found.js";
import { type ResourceKind, resourceOf } from "./resource-kind.js";
import { respondWithResource } from "./respond-with-resource.js";

/**
 * GET /Users/{id}, GET /Groups/{id} (RFC 7644 §3.4.1): one point read, plus the membership reads
 * for `members`/`groups` only when the projection returns them.
 */
export function getResource(kind: ResourceKind): Operation {
  return async (request, services, tenantId) => {
    const { type, store } = resourceOf(services, kind);
    const id = request.params.id ?? "";
    const stored = await store.read(tenantId, id);
    if (!stored) throw notFound(type, id);
    const extra = await derivedAttributes(request, services, tenantId, kind, id);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
