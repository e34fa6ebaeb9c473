import { ScimError } from "../errors/scim-error.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/resource-document.js";
import type { ResourceStore } from "../store/resource-store.js";
import { buildDocument } from "./build-document.js";
import { checkIfMatch } from "./check-if-match.js";
import { notFound } from "./not-found.js";
import { uniquenessError } from "./uniqueness-error.js";

/** Bounded: a resource hammered by more writers than this is answered 503 + Retry-After. */
const MAX_ATTEMPTS = 8;

export interface Update {
  resource: ScimObject;
  pw: string | undefined;
}

/**
 * Read-modify-write with optimistic concurrency (DESIGN.md): replace with If-Match on the version
 * read; when another writer got there first, re-read and re-apply, so concurrent PATCHes of one
 * user lose no update. A client's own stale If-Match is never retried: it gets 412.
 * `apply` returns undefined when nothing changes, which skips the write (Entra re-sends
 * `active: true` every cycle; an unchanged resource keeps its version and costs one read).
 */
export async function updateWithRetry(
  store: ResourceStore,
  type: ResourceType,
  tenantId: string,
  id: string,
  ifMatch: string | undefined,
  apply: (current: StoredResource) => Update | undefined,
): Promise<{ stored: StoredResource; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await store.read(tenantId, id);
    if (!current) throw notFound(type, id);
    const clientPrecondition = checkIfMatch(ifMatch, current.etag);
    const update = apply(current);
    if (!update) return { stored: current, changed: false };
    const meta = current.r.meta as { created?: string } | undefined;
    const doc = buildDocument(type, {
      id,
      tenantId,
      resource: update.resource,
      created: meta?.created ?? new Date().toISOString(),
      lastModified: new Date().toISOString(),
      pw: update.pw,
    });
    const result = await store.replace(doc, current.etag);
    if (result.ok) return { stored: result.value, changed: true };
    if (result.reason === "conflict") throw uniquenessError(type, update.resource);
    if (result.reason === "missing") throw notFound(type, id);
    if (clientPrecondition) {
      throw new ScimError(
        "preconditionFailed",
        "The resource was modified by another request; re-read it and retry.",
      );
    }
  }
  throw new ScimError("unavailable", "The resource is being modified concurrently; retry shortly.", {
    "Retry-After": "1",
  });
}
