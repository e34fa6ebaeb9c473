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
): Promise<{ stored: StoredResource; changed: boolean }> {
  let known = first;
  for (let attempt = 0; ; attempt++) {
    const current = known ?? (await store.read(id));
    known = undefined;
    if (!current) throw notFound(type, id);
    const clientPrecondition = checkWritePreconditions(conditions, current.etag);
    const update = apply(current);
    if (!update) return { stored: current, changed: false };
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
    if (result.ok) return { stored: result.value, changed: true };
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
