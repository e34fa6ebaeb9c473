import { setTimeout as sleep } from "node:timers/promises";
import { ScimError } from "../errors/scim-error.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { CallContext } from "../store/cosmos-call.js";
import type { StoredResource } from "../store/documents.js";
import type { ResourceStore } from "../store/resource-store.js";
import { buildDocument } from "./build-document.js";
import { checkWritePreconditions, type WritePreconditions } from "./preconditions.js";
import { notFound, tooLarge, uniquenessError } from "./resource-responses.js";

export interface Update {
  resource: ScimObject;
  passwordHash: string | undefined;
}

/** Full-jitter backoff between optimistic attempts, so that concurrent writers spread out. */
const backoff = (attempt: number) => Math.random() * Math.min(500, 10 * 2 ** attempt);

/**
 * Read-modify-write with optimistic concurrency: replace with If-Match on the version read; when
 * another writer got there first, re-read and re-apply (after a jittered pause), so concurrent
 * PATCHes of one resource all land, for as long as the request's budget allows. A client's own
 * stale If-Match is never retried: it gets 412, as does an If-None-Match naming the version.
 * `apply` returns undefined when nothing changes, which skips the write (Entra re-sends
 * `active: true` every cycle; an unchanged resource keeps its version and costs one read).
 * `checked`: the write was skipped after the client's If-Match held on a read (see `claimVersion`).
 */
export async function updateWithRetry(
  ctx: CallContext,
  store: ResourceStore,
  type: ResourceType,
  id: string,
  conditions: WritePreconditions,
  apply: (current: StoredResource) => Update | undefined,
  /** The version the caller already read, used for the first attempt (saves a read). */
  first?: StoredResource,
): Promise<{ stored: StoredResource; changed: boolean; checked: boolean }> {
  let known = first;
  for (let attempt = 0; ; attempt++) {
    const current = known ?? (await store.read(id));
    known = undefined;
    if (!current) throw notFound(type, id);
    const clientPrecondition = checkWritePreconditions(conditions, current.etag);
    const update = apply(current);
    if (!update) return { stored: current, changed: false, checked: clientPrecondition };
    const meta = current.resource.meta as { created?: string } | undefined;
    const doc = buildDocument(type, {
      id,
      resource: update.resource,
      created: meta?.created ?? new Date().toISOString(),
      lastModified: new Date().toISOString(),
      passwordHash: update.passwordHash,
      kept: current,
    });
    const result = await store.replace(doc, current.etag);
    if (result.ok) return { stored: result.value, changed: true, checked: false };
    if (result.reason === "conflict") throw uniquenessError(type, update.resource);
    if (result.reason === "missing") throw notFound(type, id);
    if (result.reason === "tooLarge") throw tooLarge(type, result.size);
    if (clientPrecondition) {
      throw new ScimError(
        "preconditionFailed",
        "The resource was modified by another request; re-read it and retry.",
      );
    }
    const wait = backoff(attempt);
    if (Date.now() + wait >= ctx.deadline) {
      throw new ScimError("unavailable", "The resource is being modified concurrently; retry shortly.", {
        "Retry-After": "1",
      });
    }
    await sleep(wait);
  }
}

/**
 * Claims the version a client's If-Match named, before a request writes other documents on its
 * strength (a group's memberships) without writing the resource itself: a read alone is passed by
 * two requests holding the same version, so the version is taken by a conditional write of
 * `meta.lastModified` instead. Of two such requests (or one and a conditional PUT, PATCH or
 * DELETE), exactly one goes on and the other gets 412. Called only once there is something to
 * write, so a request that changes nothing keeps the version.
 */
export function claimVersion(
  store: ResourceStore,
  type: ResourceType,
  current: StoredResource,
): () => Promise<void> {
  return async () => {
    const claimed = await store.patch(current.id, { lastModified: new Date().toISOString() }, current.etag);
    if (claimed.ok) return;
    if (claimed.reason === "missing") throw notFound(type, current.id);
    if (claimed.reason === "tooLarge") throw tooLarge(type, claimed.size);
    throw new ScimError(
      "preconditionFailed",
      "The resource was modified by another request; re-read it and retry.",
    );
  };
}
