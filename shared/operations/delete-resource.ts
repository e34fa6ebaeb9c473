import { ScimError } from "../errors/scim-error.js";
import { sweepMemberships } from "../membership/write-memberships.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { checkWritePreconditions, writePreconditions } from "./preconditions.js";
import { notFound } from "./resource-responses.js";

/**
 * DELETE /Users/{id}, DELETE /Groups/{id} (RFC 7644 §3.6): 204, or 404 if already gone. The
 * existence and `If-Match` / `If-None-Match` are checked before anything changes; the resource is
 * deleted first (conditionally on the version checked, so a concurrent change is not silently
 * overwritten), and the memberships naming it after, to the end of the query. Readers skip
 * memberships whose target is gone, so the order never shows a half-deleted group; a DELETE of an
 * id that is already gone finishes any sweep an earlier, interrupted DELETE left undone.
 */
export function deleteResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    const id = request.params.id ?? "";
    const conditions = writePreconditions(request.header);
    for (;;) {
      const current = await store.read(id);
      if (!current) {
        await sweepMemberships(scope, id);
        throw notFound(type, id);
      }
      const clientPrecondition = checkWritePreconditions(conditions, current.etag);
      const result = await store.delete(id, current.etag);
      if (result.ok) break;
      if (result.reason === "missing") continue;
      if (clientPrecondition) {
        throw new ScimError(
          "preconditionFailed",
          "The resource was modified by another request; re-read it and retry.",
        );
      }
      if (Date.now() >= scope.ctx.deadline) {
        throw new ScimError("unavailable", "The resource is being modified concurrently; retry shortly.", {
          "Retry-After": "1",
        });
      }
    }
    await sweepMemberships(scope, id);
    return { status: 204 };
  };
}
