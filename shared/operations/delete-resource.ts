import { ScimError } from "../errors/scim-error.js";
import { deleteWithMemberships } from "../membership/write-memberships.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { notFound } from "./resource-responses.js";
import { checkIfMatch } from "./update-with-retry.js";

/**
 * DELETE /Users/{id}, DELETE /Groups/{id} (RFC 7644 §3.6): 204, or 404 if already gone. The
 * memberships naming the resource go with it, in the order `deleteWithMemberships` documents.
 */
export function deleteResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    const id = request.params.id ?? "";
    const ifMatch = request.header("if-match");
    let etag: string | undefined;
    if (ifMatch !== undefined) {
      // Compare in SCIM terms, then delete on Cosmos's own _etag so a race in between is still caught.
      const current = await store.read(id);
      if (!current) throw notFound(type, id);
      checkIfMatch(ifMatch, current.etag);
      etag = current.etag;
    }
    const result = await deleteWithMemberships(scope.memberships, id, () => store.delete(id, etag));
    if (!result.ok) {
      if (result.reason === "missing") throw notFound(type, id);
      throw new ScimError(
        "preconditionFailed",
        "The resource was modified by another request; re-read it and retry.",
      );
    }
    return { status: 204 };
  };
}
