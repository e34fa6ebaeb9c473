import type { ScimObject } from "../schema/scim-json.js";

/**
 * One User or Group as stored in Cosmos DB. `r` is the resource as the client sent it (canonical
 * names, extensions under their URN, `meta.created`/`meta.lastModified`); `n` has the same shape with
 * case-insensitive strings lower-cased and dates normalised, so filters and the unique key are plain
 * indexed equality/range lookups on `n` (Cosmos unique keys and indexes are case-sensitive).
 */
export interface ResourceDocument {
  id: string;
  tenantId: string;
  r: ScimObject;
  n: ScimObject;
  /** scrypt hash of a writeOnly password; never returned, never filterable. */
  pw?: string;
  _etag?: string;
}

/** What reads return: `n` is never needed to render a resource, so queries do not fetch it. */
export type StoredResource = Pick<ResourceDocument, "id" | "r" | "pw"> & { etag: string };
