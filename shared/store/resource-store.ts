import type { Container, JSONValue, PatchOperation, SqlParameter } from "@azure/cosmos";
import { isObject } from "../schema/scim-json.js";
import { type CallContext, cosmosCall } from "./cosmos-call.js";
import {
  GROUPS_COPY_MAX_BYTES,
  type GroupRef,
  isStorableId,
  type ResourceDocument,
  type StoredResource,
} from "./documents.js";

/** A document as operations build it; the store adds the tenant it is bound to. */
export type NewDocument = Omit<ResourceDocument, "tenantId" | "_etag">;

export type WriteResult =
  | { ok: true; value: StoredResource }
  | { ok: false; reason: "conflict" | "stale" | "missing" }
  /**
   * Over the item limit: `bytes` the document would take against the `limit` it may take (the
   * item limit less `reserved` for its `groups` copy), or no size when Cosmos DB itself refused
   * the write (413).
   */
  | { ok: false; reason: "tooLarge"; size?: DocumentSize };

/** A document's size against what it may take (see `WriteResult`). */
export interface DocumentSize {
  bytes: number;
  limit: number;
  reserved: number;
}

/** The fields `patch` can set. */
export interface PatchFields {
  lastModified?: string;
  groups?: GroupRef[];
  /** true marks a user whose groups outgrew the copy; false clears the mark. */
  groupsOverflow?: boolean;
  namesPropagated?: string;
}

export interface QuerySpec {
  /** A boolean SQL expression over alias `c`, built by the filter compiler (never from raw user text). */
  where?: string;
  parameters?: { name: string; value: JSONValue }[];
  /** An ORDER BY list over alias `c`, from the schema allow-list. */
  orderBy?: string;
  maxItemCount: number;
  continuation?: string;
}

export type QueryPage =
  | { ok: true; items: StoredResource[]; continuation: string | undefined }
  /** Cosmos refused the continuation token (400): a tampered or foreign cursor. */
  | { ok: false; reason: "badContinuation" };

/**
 * Cosmos DB's item limit is 2 MB of UTF-8 JSON (Azure Cosmos DB service quotas), system properties
 * included; the margin covers `_rid`, `_self`, `_etag`, `_attachments` and `_ts`.
 */
export const MAX_ITEM_BYTES = 2 * 1024 * 1024 - 1024;

/** How a store measures the documents it writes against `MAX_ITEM_BYTES`. */
export interface StoreLimits {
  /**
   * Bytes kept free in every document for its `groups` copy (the users container: the copy grows
   * with membership writes, after the resource was measured). The copy itself is not counted.
   */
  reserveBytes: number;
}

/** The users container's limits: room for the largest `groups` copy (`GROUPS_COPY_MAX_BYTES`). */
export const USER_LIMITS: StoreLimits = { reserveBytes: GROUPS_COPY_MAX_BYTES };

/**
 * The repository port for the Users or the Groups of one tenant: every call is a single-partition
 * operation on that tenant's partition, retried within the request's budget when Cosmos DB is
 * briefly unavailable.
 */
export interface ResourceStore {
  create(doc: NewDocument): Promise<WriteResult>;
  read(id: string): Promise<StoredResource | undefined>;
  /** Replaces only if the stored version still has `etag` (optimistic concurrency). */
  replace(doc: NewDocument, etag: string): Promise<WriteResult>;
  delete(id: string, etag?: string): Promise<{ ok: true } | { ok: false; reason: "stale" | "missing" }>;
  /**
   * Partial updates that do not touch the resource as sent (Cosmos DB patch, at most 10 fields):
   * `meta.lastModified` after a membership change, a user's `groups`, a group's `namesPropagated`.
   * With `etag`, only if the stored version still has it.
   */
  patch(id: string, fields: PatchFields, etag?: string): Promise<WriteResult>;
  query(spec: QuerySpec): Promise<QueryPage>;
  count(spec: Pick<QuerySpec, "where" | "parameters">): Promise<number>;
}

const toStored = (
  doc: Pick<
    ResourceDocument,
    "id" | "resource" | "passwordHash" | "groups" | "groupsOverflow" | "namesPropagated" | "_etag"
  >,
): StoredResource => ({
  id: doc.id,
  resource: doc.resource,
  etag: doc._etag ?? "",
  ...(doc.passwordHash ? { passwordHash: doc.passwordHash } : {}),
  ...(doc.groups?.length ? { groups: doc.groups } : {}),
  ...(doc.groupsOverflow ? { groupsOverflow: true as const } : {}),
  ...(doc.namesPropagated !== undefined ? { namesPropagated: doc.namesPropagated } : {}),
});

const tenantClause = (where: string | undefined) =>
  where ? `c.tenantId = @tenant AND (${where})` : "c.tenantId = @tenant";

/** The stored form of a document equals what we meant to write (a retried write that had succeeded). */
const sameContent = (stored: ResourceDocument | undefined, body: ResourceDocument) =>
  stored !== undefined && JSON.stringify(stored.resource) === JSON.stringify(body.resource);

/** Whether `doc` carries every value `fields` sets (a retried patch that had succeeded unseen). */
const holdsFields = (doc: ResourceDocument, fields: PatchFields) =>
  (fields.lastModified === undefined ||
    (isObject(doc.resource.meta) && doc.resource.meta.lastModified === fields.lastModified)) &&
  (fields.groups === undefined || JSON.stringify(doc.groups ?? []) === JSON.stringify(fields.groups)) &&
  (fields.groupsOverflow === undefined || (doc.groupsOverflow ?? false) === fields.groupsOverflow) &&
  (fields.namesPropagated === undefined || doc.namesPropagated === fields.namesPropagated);

export class CosmosResourceStore implements ResourceStore {
  constructor(
    private readonly container: Container,
    private readonly tenantId: string,
    private readonly ctx: CallContext,
    private readonly limits: StoreLimits = { reserveBytes: 0 },
  ) {}

  async create(doc: NewDocument): Promise<WriteResult> {
    const body: ResourceDocument = { ...doc, tenantId: this.tenantId };
    const over = this.oversize(body);
    if (over) return over;
    const result = await cosmosCall(this.ctx, () => this.container.items.create(body), [409, 413]);
    if (result.ok) return { ok: true, value: toStored(result.value.resource as ResourceDocument) };
    if (result.status === 413) return { ok: false, reason: "tooLarge" };
    if (result.retried) {
      // A lost response to our own successful create looks like a conflict with ourselves.
      const mine = await this.readDocument(doc.id);
      if (sameContent(mine, body) && mine) return { ok: true, value: toStored(mine) };
    }
    return { ok: false, reason: "conflict" };
  }

  async read(id: string): Promise<StoredResource | undefined> {
    const doc = await this.readDocument(id);
    return doc ? toStored(doc) : undefined;
  }

  async replace(doc: NewDocument, etag: string): Promise<WriteResult> {
    if (!isStorableId(doc.id)) return { ok: false, reason: "missing" };
    const body: ResourceDocument = { ...doc, tenantId: this.tenantId };
    const over = this.oversize(body);
    if (over) return over;
    const result = await cosmosCall(
      this.ctx,
      () =>
        this.container
          .item(doc.id, this.tenantId)
          .replace(body, { accessCondition: { type: "IfMatch", condition: etag } }),
      [404, 409, 412, 413],
    );
    if (result.ok) return { ok: true, value: toStored(result.value.resource as ResourceDocument) };
    if (result.status === 413) return { ok: false, reason: "tooLarge" };
    if (result.status === 412 && result.retried) {
      // The version moved on: maybe to the very document this call wrote before its response was lost.
      const current = await this.readDocument(doc.id);
      if (sameContent(current, body) && current) return { ok: true, value: toStored(current) };
    }
    return {
      ok: false,
      reason: result.status === 409 ? "conflict" : result.status === 404 ? "missing" : "stale",
    };
  }

  async delete(id: string, etag?: string) {
    if (!isStorableId(id)) return { ok: false as const, reason: "missing" as const };
    const options = etag ? { accessCondition: { type: "IfMatch", condition: etag } } : {};
    const result = await cosmosCall(
      this.ctx,
      () => this.container.item(id, this.tenantId).delete(options),
      [404, 412],
    );
    if (result.ok) return { ok: true as const };
    // After a lost response, 404 is this call's own success.
    if (result.status === 404 && result.retried) return { ok: true as const };
    return { ok: false as const, reason: result.status === 404 ? ("missing" as const) : ("stale" as const) };
  }

  async patch(id: string, fields: PatchFields, etag?: string): Promise<WriteResult> {
    if (!isStorableId(id)) return { ok: false, reason: "missing" };
    const operations: PatchOperation[] = [];
    if (fields.lastModified !== undefined) {
      operations.push({ op: "set", path: "/resource/meta/lastModified", value: fields.lastModified });
      operations.push({ op: "set", path: "/normalized/meta/lastModified", value: fields.lastModified });
    }
    if (fields.groups !== undefined) operations.push({ op: "set", path: "/groups", value: fields.groups });
    if (fields.groupsOverflow !== undefined)
      operations.push({ op: "set", path: "/groupsOverflow", value: fields.groupsOverflow });
    if (fields.namesPropagated !== undefined) {
      operations.push({ op: "set", path: "/namesPropagated", value: fields.namesPropagated });
    }
    const options = etag ? { accessCondition: { type: "IfMatch", condition: etag } } : {};
    const result = await cosmosCall(
      this.ctx,
      () => this.container.item(id, this.tenantId).patch<ResourceDocument>(operations, options),
      [404, 412, 413],
    );
    if (result.ok) return { ok: true, value: toStored(result.value.resource as ResourceDocument) };
    // The patched document would pass the item limit: nothing was written.
    if (result.status === 413) return { ok: false, reason: "tooLarge" };
    // The version moved on: maybe by this very patch, whose response was lost, or by another
    // writer in between, whose document then lacks our values. Only the first is our success.
    if (result.status === 412 && result.retried) {
      const current = await this.readDocument(id);
      if (current && holdsFields(current, fields)) return { ok: true, value: toStored(current) };
    }
    return { ok: false, reason: result.status === 404 ? "missing" : "stale" };
  }

  async query(spec: QuerySpec): Promise<QueryPage> {
    const query = `SELECT c.id, c.resource, c.groups, c.groupsOverflow, c._etag FROM c WHERE ${tenantClause(spec.where)}${
      spec.orderBy ? ` ORDER BY ${spec.orderBy}` : ""
    }`;
    const result = await cosmosCall(
      this.ctx,
      () =>
        this.container.items
          .query<ResourceDocument>(
            { query, parameters: this.parameters(spec.parameters) },
            {
              partitionKey: this.tenantId,
              maxItemCount: spec.maxItemCount,
              continuationToken: spec.continuation,
            },
          )
          .fetchNext(),
      spec.continuation ? [400] : [],
    );
    if (!result.ok) return { ok: false, reason: "badContinuation" };
    const page = result.value;
    return {
      ok: true,
      items: page.resources.map(toStored),
      continuation: page.continuationToken || undefined,
    };
  }

  async count(spec: Pick<QuerySpec, "where" | "parameters">): Promise<number> {
    const query = `SELECT VALUE COUNT(1) FROM c WHERE ${tenantClause(spec.where)}`;
    let total = 0;
    let continuation: string | undefined;
    // An aggregate can come back in several pages of partial counts.
    do {
      const result = await cosmosCall(this.ctx, () =>
        this.container.items
          .query<number>(
            { query, parameters: this.parameters(spec.parameters) },
            { partitionKey: this.tenantId, continuationToken: continuation },
          )
          .fetchNext(),
      );
      if (!result.ok) break;
      total += result.value.resources.reduce((a, b) => a + b, 0);
      continuation = result.value.continuationToken || undefined;
    } while (continuation);
    return total;
  }

  /**
   * The refusal for a document over its limit, or undefined when it fits. The `groups` copy is
   * bounded on its own (`GROUPS_COPY_MAX_BYTES`) and has `reserveBytes` kept for it.
   */
  private oversize(body: ResourceDocument): WriteResult | undefined {
    const { groups: _copy, ...rest } = body;
    const bytes = Buffer.byteLength(JSON.stringify(rest));
    const reserved = this.limits.reserveBytes;
    const limit = MAX_ITEM_BYTES - reserved;
    return bytes > limit ? { ok: false, reason: "tooLarge", size: { bytes, limit, reserved } } : undefined;
  }

  private async readDocument(id: string): Promise<ResourceDocument | undefined> {
    // An id Cosmos cannot store names nothing; the SDK would refuse it ("Illegal characters").
    if (!isStorableId(id)) return undefined;
    const result = await cosmosCall(
      this.ctx,
      () => this.container.item(id, this.tenantId).read<ResourceDocument>(),
      [404],
    );
    if (!result.ok || !result.value.resource) return undefined;
    // Defence in depth: the partition key already scopes the read to the tenant.
    return result.value.resource.tenantId === this.tenantId ? result.value.resource : undefined;
  }

  private parameters(extra: QuerySpec["parameters"] = []): SqlParameter[] {
    return [{ name: "@tenant", value: this.tenantId }, ...extra];
  }
}
