import type { Container, JSONValue, SqlParameter } from "@azure/cosmos";
import { cosmosStatus, mapThrottling } from "./cosmos-error.js";
import type { ResourceDocument, StoredResource } from "./documents.js";

/** A document as operations build it; the store adds the tenant it is bound to. */
export type NewDocument = Omit<ResourceDocument, "tenantId" | "_etag">;

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

/**
 * The repository port for the Users or the Groups of one tenant: every call is a single-partition
 * operation on that tenant's partition.
 */
export interface ResourceStore {
  create(doc: NewDocument): Promise<WriteResult>;
  read(id: string): Promise<StoredResource | undefined>;
  /** Replaces only if the stored version still has `etag` (optimistic concurrency). */
  replace(doc: NewDocument, etag: string): Promise<WriteResult>;
  delete(id: string, etag?: string): Promise<WriteResult | { ok: true }>;
  query(spec: QuerySpec): Promise<QueryPage>;
  count(spec: Pick<QuerySpec, "where" | "parameters">): Promise<number>;
}

const toStored = (
  doc: Pick<ResourceDocument, "id" | "resource" | "passwordHash" | "_etag">,
): StoredResource => ({
  id: doc.id,
  resource: doc.resource,
  etag: doc._etag ?? "",
  ...(doc.passwordHash ? { passwordHash: doc.passwordHash } : {}),
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
  constructor(
    private readonly container: Container,
    private readonly tenantId: string,
  ) {}

  async create(doc: NewDocument): Promise<WriteResult> {
    const body: ResourceDocument = { ...doc, tenantId: this.tenantId };
    const result = await attempt(() => this.container.items.create(body), { 409: "conflict" });
    return result.ok ? { ok: true, value: toStored(result.value.resource as ResourceDocument) } : result;
  }

  async read(id: string): Promise<StoredResource | undefined> {
    const result = await attempt(() => this.container.item(id, this.tenantId).read<ResourceDocument>(), {
      404: "missing",
    });
    if (!result.ok || !result.value.resource) return undefined;
    // Defence in depth: the partition key already scopes the read to the tenant.
    return result.value.resource.tenantId === this.tenantId ? toStored(result.value.resource) : undefined;
  }

  async replace(doc: NewDocument, etag: string): Promise<WriteResult> {
    const body: ResourceDocument = { ...doc, tenantId: this.tenantId };
    const result = await attempt(
      () =>
        this.container
          .item(doc.id, this.tenantId)
          .replace(body, { accessCondition: { type: "IfMatch", condition: etag } }),
      { 409: "conflict", 412: "stale", 404: "missing" },
    );
    return result.ok ? { ok: true, value: toStored(result.value.resource as ResourceDocument) } : result;
  }

  async delete(id: string, etag?: string) {
    const options = etag ? { accessCondition: { type: "IfMatch", condition: etag } } : {};
    const result = await attempt(() => this.container.item(id, this.tenantId).delete(options), {
      404: "missing",
      412: "stale",
    });
    return result.ok ? { ok: true as const } : result;
  }

  async query(spec: QuerySpec): Promise<QueryPage> {
    const query = `SELECT c.id, c.resource, c._etag FROM c WHERE ${tenantClause(spec.where)}${
      spec.orderBy ? ` ORDER BY ${spec.orderBy}` : ""
    }`;
    try {
      const page = await this.container.items
        .query<ResourceDocument>(
          { query, parameters: this.parameters(spec.parameters) },
          {
            partitionKey: this.tenantId,
            maxItemCount: spec.maxItemCount,
            continuationToken: spec.continuation,
          },
        )
        .fetchNext();
      return { items: page.resources.map(toStored), continuation: page.continuationToken || undefined };
    } catch (error) {
      throw mapThrottling(error);
    }
  }

  async count(spec: Pick<QuerySpec, "where" | "parameters">): Promise<number> {
    const query = `SELECT VALUE COUNT(1) FROM c WHERE ${tenantClause(spec.where)}`;
    try {
      const { resources } = await this.container.items
        .query<number>(
          { query, parameters: this.parameters(spec.parameters) },
          { partitionKey: this.tenantId },
        )
        .fetchAll();
      return resources.reduce((a, b) => a + b, 0);
    } catch (error) {
      throw mapThrottling(error);
    }
  }

  private parameters(extra: QuerySpec["parameters"] = []): SqlParameter[] {
    return [{ name: "@tenant", value: this.tenantId }, ...extra];
  }
}
