import { ScimError } from "../errors/scim-error.js";
import { etagValue, weakEtag } from "../schema/render-resource.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/documents.js";
import type { ResourceStore } from "../store/resource-store.js";
import { buildDocument } from "./build-document.js";
import { notFound, uniquenessError } from "./resource-responses.js";

/** Bounded: a resource hammered by more writers than this is answered 503 + Retry-After. */
const MAX_ATTEMPTS = 8;

export interface Update {
  resource: ScimObject;
  passwordHash: string | undefined;
}

/**
 * RFC 7644 §3.14 / RFC 7232 §3.1: a client's If-Match must name the current version, else 412.
 * Returns whether the client asked for a precondition (then no automatic retry may hide a conflict).
 */
export function checkIfMatch(header: string | undefined, currentEtag: string): boolean {
  if (header === undefined) return false;
  const wanted = header.split(",").map((t) => t.trim());
  if (wanted.includes("*")) return true;
  if (!wanted.some((t) => etagValue(t) === etagValue(currentEtag))) {
    throw new ScimError(
      "preconditionFailed",
      `The resource has changed: its version is ${weakEtag(currentEtag)}, not ${header}.`,
    );
  }
  return true;
}

/**
 * Read-modify-write with optimistic concurrency: replace with If-Match on the version read; when
 * another writer got there first, re-read and re-apply, so concurrent PATCHes of one user lose no
 * update. A client's own stale If-Match is never retried: it gets 412.
 * `apply` returns undefined when nothing changes, which skips the write (Entra re-sends
 * `active: true` every cycle; an unchanged resource keeps its version and costs one read).
 */
export async function updateWithRetry(
  store: ResourceStore,
  type: ResourceType,
  id: string,
  ifMatch: string | undefined,
  apply: (current: StoredResource) => Update | undefined,
): Promise<{ stored: StoredResource; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await store.read(id);
    if (!current) throw notFound(type, id);
    const clientPrecondition = checkIfMatch(ifMatch, current.etag);
    const update = apply(current);
    if (!update) return { stored: current, changed: false };
    const meta = current.resource.meta as { created?: string } | undefined;
    const doc = buildDocument(type, {
      id,
      resource: update.resource,
      created: meta?.created ?? new Date().toISOString(),
      lastModified: new Date().toISOString(),
      passwordHash: update.passwordHash,
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
