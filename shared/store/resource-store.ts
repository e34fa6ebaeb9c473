import type { Container, JSONValue, SqlParameter } from "@azure/cosmos";
import { cosmosStatus, mapThrottling } from "./cosmos-error.js";
import type { ResourceDocument, StoredResource } from "./resource-document.js";

export type WriteResult =
  | { ok: true; value: StoredResource }
  | { ok: false; reason: "conflict" | "stale" | "missing" };

export interface QuerySpec {
  /** A boolean SQL expression over alias `c`, built by the filter compiler (never from raw user text). */
  where?: string;
  parameters?: { name: string; value: JSONValue }[];
  /** An ORDER BY list over alias `c`, from the schema allow-list. */
  orderBy?: string;
  maxItemCount: number;
  continuation?: string;
}

export interface QueryPage {
  items: StoredResource[];
  continuation: string | undefined;
}

/** The repository port for Users and Groups: single-partition (tenant) operations only. */
export interface ResourceStore {
  create(doc: ResourceDocument): Promise<WriteResult>;
  read(tenantId: string, id: string): Promise<StoredResource | undefined>;
  /** Replaces only if the stored version still has `etag` (optimistic concurrency). */
  replace(doc: ResourceDocument, etag: string): Promise<WriteResult>;
  delete(tenantId: string, id: string, etag?: string): Promise<WriteResult | { ok: true }>;
  query(tenantId: string, spec: QuerySpec): Promise<QueryPage>;
  count(tenantId: string, spec: Pick<QuerySpec, "where" | "parameters">): Promise<number>;
}

const toStored = (doc: Pick<ResourceDocument, "id" | "r" | "pw" | "_etag">): StoredResource => ({
  id: doc.id,
  r: doc.r,
  etag: doc._etag ?? "",
  ...(doc.pw ? { pw: doc.pw } : {}),
});

const tenantClause = (where: string | undefined) =>
  where ? `c.tenantId = @tenant AND (${where})` : "c.tenantId = @tenant";

/** Wraps SDK calls so that throttling surfaces as a SCIM 503 and expected statuses become data. */
async function attempt<T>(run: () => Promise<T>, expected: Record<number, "conflict" | "stale" | "missing">) {
  try {
    return { ok: true as const, value: await run() };
  } catch (error) {
    const reason = expected[cosmosStatus(error) ?? 0];
    if (reason) return { ok: false as const, reason };
    throw mapThrottling(error);
  }
}

export class CosmosResourceStore implements ResourceStore {
  constructor(private readonly container: Container) {}

  async create(doc: ResourceDocument): Promise<WriteResult> {
    const result = await attempt(() => this.container.items.create(doc), { 409: "conflict" });
    return result.ok ? { ok: true, value: toStored(result.value.resource as ResourceDocument) } : result;
  }

  async read(tenantId: string, id: string): Promise<StoredResource | undefined> {
    const result = await attempt(() => this.container.item(id, tenantId).read<ResourceDocument>(), {
      404: "missing",
    });
    if (!result.ok || !result.value.resource) return undefined;
    // Defence in depth: the partition key already scopes the read to the tenant.
    return result.value.resource.tenantId === tenantId ? toStored(result.value.resource) : undefined;
  }

  async replace(doc: ResourceDocument, etag: string): Promise<WriteResult> {
    const result = await attempt(
      () =>
        this.container
          .item(doc.id, doc.tenantId)
          .replace(doc, { accessCondition: { type: "IfMatch", condition: etag } }),
      { 409: "conflict", 412: "stale", 404: "missing" },
    );
    return result.ok ? { ok: true, value: toStored(result.value.resource as ResourceDocument) } : result;
  }

  async delete(tenantId: string, id: string, etag?: string) {
    const options = etag ? { accessCondition: { type: "IfMatch", condition: etag } } : {};
    const result = await attempt(() => this.container.item(id, tenantId).delete(options), {
      404: "missing",
      412: "stale",
    });
    return result.ok ? { ok: true as const } : result;
  }

  async query(tenantId: string, spec: QuerySpec): Promise<QueryPage> {
    const parameters: SqlParameter[] = [{ name: "@tenant", value: tenantId }, ...(spec.parameters ?? [])];
    const query = `SELECT c.id, c.r, c._etag FROM c WHERE ${tenantClause(spec.where)}${
      spec.orderBy ? ` ORDER BY ${spec.orderBy}` : ""
    }`;
    try {
      const page = await this.container.items
        .query<ResourceDocument>(
          { query, parameters },
          { partitionKey: tenantId, maxItemCount: spec.maxItemCount, continuationToken: spec.continuation },
        )
        .fetchNext();
      return { items: page.resources.map(toStored), continuation: page.continuationToken || undefined };
    } catch (error) {
      throw mapThrottling(error);
    }
  }

  async count(tenantId: string, spec: Pick<QuerySpec, "where" | "parameters">): Promise<number> {
    const parameters: SqlParameter[] = [{ name: "@tenant", value: tenantId }, ...(spec.parameters ?? [])];
    const query = `SELECT VALUE COUNT(1) FROM c WHERE ${tenantClause(spec.where)}`;
    try {
      const { resources } = await this.container.items
        .query<number>({ query, parameters }, { partitionKey: tenantId })
        .fetchAll();
      return resources.reduce((a, b) => a + b, 0);
    } catch (error) {
      throw mapThrottling(error);
    }
  }
}
