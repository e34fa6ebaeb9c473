import { ScimError } from "../errors/scim-error.js";
import type { Operation } from "../http/scim-handler.js";
import { derivedAttributes } from "../members/derived-attributes.js";
import { storeReplacedMembers } from "../members/store-members.js";
import { takeMembers } from "../members/take-members.js";
import { parseResource } from "../schema/parse-resource.js";
import { hashPassword } from "./build-document.js";
import { type ResourceKind, resourceOf } from "./resource-kind.js";
import { respondWithResource } from "./respond-with-resource.js";
import { updateWithRetry } from "./update-with-retry.js";

/**
 * PUT /Users/{id}, PUT /Groups/{id} (RFC 7644 §3.5.1): replaces every writable attribute; an
 * omitted password keeps the stored hash (clients cannot read it back to resend it). A group's
 * `members` (all checked before any write) replace the stored ones by difference.
 */
export function replaceResource(kind: ResourceKind): Operation {
  return async (request, services, tenantId) => {
    const { type, store } = resourceOf(services, kind);
    if (request.body === undefined) throw new ScimError("invalidSyntax", "A request body is required.");
    const { resource, password } = parseResource(type, request.body);
    const pw = password === undefined ? undefined : hashPassword(password);
    const id = request.params.id ?? "";
    const taken = await takeMembers(services, tenantId, kind, id, resource);
    const { stored } = await updateWithRetry(
      store,
      type,
      tenantId,
      id,
      request.header("if-match"),
      (current) => ({
        resource: taken.resource,
        pw: pw ?? current.pw,
      }),
    );
    const extra = taken.members
      ? await storeReplacedMembers(services, tenantId, id, taken.members, request.baseUrl)
      : await derivedAttributes(request, services, tenantId, kind, id);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
