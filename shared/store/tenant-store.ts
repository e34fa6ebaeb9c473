import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Container, ItemDefinition } from "@azure/cosmos";
import {
  type AssertionRecord,
  CREDENTIALS_PARTITION,
  type CredentialLookup,
  type TenantDocument,
} from "../tenants/tenant-document.js";
import { isTenantId } from "../tenants/tenant-id.js";
import { type CallContext, callContext, cosmosCall, cosmosValue } from "./cosmos-call.js";
import { isStorableId } from "./documents.js";
import { mapLimited } from "./map-limited.js";

/** A write that Cosmos refused for an expected reason (data, not an exception). */
export type StoreWrite<T> = { ok: true; value: T } | { ok: false; reason: "conflict" | "stale" | "missing" };

/**
 * The repository port of the `tenants` container: tenant documents (each in its own partition),
 * credential lookups (partition `_credentials`) and assertion replay records (`_assertions`).
 * Every call is a point operation except `listTenants`, which only the operator CLI uses.
 */
export interface TenantStore {
  readTenant(tenantId: string): Promise<TenantDocument | undefined>;
  createTenant(tenant: TenantDocument): Promise<StoreWrite<TenantDocument>>;
  /** Replaces only if the stored tenant still has `etag` (optimistic concurrency). */
  replaceTenant(tenant: TenantDocument, etag: string): Promise<StoreWrite<TenantDocument>>;
  deleteTenant(tenantId: string, etag: string): Promise<StoreWrite<undefined>>;
  listTenants(): Promise<TenantDocument[]>;
  readLookup(id: string): Promise<CredentialLookup | undefined>;
  /** Creates the lookup, claiming the credential; `conflict` when its id is already taken. */
  createLookup(lookup: CredentialLookup): Promise<StoreWrite<CredentialLookup>>;
  replaceLookup(lookup: CredentialLookup, etag: string): Promise<StoreWrite<CredentialLookup>>;
  deleteLookup(id: string, etag?: string): Promise<StoreWrite<undefined>>;
  /** Records an assertion `jti`; `replayed` when the same record already exists (a 409). */
  recordAssertion(record: AssertionRecord): Promise<"recorded" | "replayed">;
}

type Expected = Partial<Record<number, "conflict" | "stale" | "missing">>;

/**
 * Every tenant-store call gets a budget of its own: authentication's reads are shared by the
 * requests that wait for the same credential (cached, one load), so no one request's budget fits
 * them (the time they take still comes out of the request's), and the CLI has none. Transient Cosmos faults are retried within it and then
 * answered 429/503, never 500 (cosmos-call.ts).
 */
const BUDGET_MS = 10_000;

/**
 * Runs one SDK call: expected statuses become data, transient faults are retried, anything else
 * throws. `retried` tells that an earlier attempt may have succeeded unseen.
 */
async function attempt<T>(
  run: () => Promise<T>,
  expected: Expected,
  ctx: CallContext = callContext(BUDGET_MS),
) {
  const result = await cosmosCall(ctx, run, Object.keys(expected).map(Number));
  const write: StoreWrite<T> = result.ok
    ? { ok: true, value: result.value }
    : { ok: false, reason: expected[result.status] ?? "missing" };
  return { write, retried: result.retried };
}

async function write<T>(run: () => Promise<T>, expected: Expected): Promise<StoreWrite<T>> {
  return (await attempt(run, expected)).write;
}

async function read<T extends ItemDefinition>(container: Container, id: string, partition: string) {
  const result = await write(() => container.item(id, partition).read<T>(), { 404: "missing" });
  return result.ok ? result.value.resource : undefined;
}

/** What Cosmos DB adds to every item it stores: not part of what was written. */
const SYSTEM_PROPERTIES = ["_rid", "_self", "_etag", "_attachments", "_ts"];

const withoutSystemProperties = (item: object) =>
  Object.fromEntries(Object.entries(item).filter(([key]) => !SYSTEM_PROPERTIES.includes(key)));

const ifMatch = (etag: string) => ({ accessCondition: { type: "IfMatch", condition: etag } });

/** The tenant store on Cosmos DB: point operations with the partition key, expected statuses as data. */
export class CosmosTenantStore implements TenantStore {
  constructor(private readonly container: Container) {}

  async readTenant(tenantId: string) {
    // A reserved partition can never be read as a tenant, whatever the caller passes.
    if (!isTenantId(tenantId)) return undefined;
    const doc = await read<TenantDocument>(this.container, tenantId, tenantId);
    return doc?.type === "tenant" && doc.tenantId === tenantId ? doc : undefined;
  }

  async createTenant(tenant: TenantDocument) {
    const { write: result, retried } = await attempt(() => this.container.items.create(tenant), {
      409: "conflict",
    });
    if (result.ok) return { ok: true as const, value: result.value.resource as TenantDocument };
    // A create retried after its answer was lost meets its own document as a 409: `tenants create`
    // then said "already exists" of the tenant it had just made. The stored document is ours when
    // it holds exactly what was sent (its `created` is this command's, to the millisecond).
    if (retried && result.reason === "conflict") {
      const stored = await this.readTenant(tenant.tenantId);
      if (stored && isDeepStrictEqual(withoutSystemProperties(stored), tenant)) {
        return { ok: true as const, value: stored };
      }
    }
    return result;
  }

  async replaceTenant(tenant: TenantDocument, etag: string) {
    const { _etag, ...body } = tenant;
    const result = await write(
      () => this.container.item(tenant.id, tenant.tenantId).replace<TenantDocument>(body, ifMatch(etag)),
      { 404: "missing", 412: "stale" },
    );
    return result.ok ? { ok: true as const, value: result.value.resource as TenantDocument } : result;
  }

  async deleteTenant(tenantId: string, etag: string) {
    const result = await write(() => this.container.item(tenantId, tenantId).delete(ifMatch(etag)), {
      404: "missing",
      412: "stale",
    });
    return result.ok ? { ok: true as const, value: undefined } : result;
  }

  async listTenants() {
    const { resources } = await cosmosValue(callContext(BUDGET_MS), () =>
      this.container.items
        .query<TenantDocument>({ query: 'SELECT * FROM c WHERE c.type = "tenant"' })
        .fetchAll(),
    );
    return resources.sort((a, b) => a.id.localeCompare(b.id));
  }

  async readLookup(id: string) {
    // A client id comes from the token request as sent: one Cosmos DB cannot store (`a/b`, over
    // 255 characters) names no client, where the SDK's or the service's refusal was a 500.
    if (!isStorableId(id)) return undefined;
    return read<CredentialLookup>(this.container, id, CREDENTIALS_PARTITION);
  }

  async createLookup(lookup: CredentialLookup) {
    const result = await write(() => this.container.items.create(lookup), { 409: "conflict" });
    return result.ok ? { ok: true as const, value: result.value.resource as CredentialLookup } : result;
  }

  async replaceLookup(lookup: CredentialLookup, etag: string) {
    const { _etag, ...body } = lookup;
    const result = await write(
      () =>
        this.container.item(lookup.id, CREDENTIALS_PARTITION).replace<CredentialLookup>(body, ifMatch(etag)),
      { 404: "missing", 412: "stale" },
    );
    return result.ok ? { ok: true as const, value: result.value.resource as CredentialLookup } : result;
  }

  async deleteLookup(id: string, etag?: string) {
    const result = await write(
      () => this.container.item(id, CREDENTIALS_PARTITION).delete(etag ? ifMatch(etag) : {}),
      { 404: "missing", 412: "stale" },
    );
    return result.ok ? { ok: true as const, value: undefined } : result;
  }

  async recordAssertion(record: AssertionRecord) {
    // The nonce tells a lost response to this very create (retried into a 409) from a real replay.
    const nonce = randomUUID();
    const result = await attempt(() => this.container.items.create({ ...record, nonce }), {
      409: "conflict",
    });
    if (result.write.ok) return "recorded";
    if (result.retried) {
      const stored = await read<AssertionRecord & { nonce?: string }>(
        this.container,
        record.id,
        record.tenantId,
      );
      if (stored?.nonce === nonce) return "recorded";
    }
    return "replayed";
  }
}

/**
 * Deletes up to `batchSize` items of one tenant's partition in `container` and returns how many it
 * deleted (0 only when the partition is empty). One bounded page per call, so an operator's delete can
 * stop anywhere and be run again: it resumes from whatever is left.
 */
export async function deleteTenantItems(
  container: Container,
  tenantId: string,
  batchSize: number,
): Promise<number> {
  if (!isTenantId(tenantId)) throw new Error(`Not a tenant id: ${tenantId}`);
  // Cosmos DB may answer a page with no items and a continuation (maxItemCount is only a maximum,
  // and a page ends when its time or RU budget runs out): only a page without one says the
  // partition is empty.
  let page: { resources: { id: string }[]; continuationToken?: string };
  let continuation: string | undefined;
  do {
    page = await cosmosValue(callContext(BUDGET_MS), () =>
      container.items
        .query<{ id: string }>(
          {
            query: "SELECT c.id FROM c WHERE c.tenantId = @tenant",
            parameters: [{ name: "@tenant", value: tenantId }],
          },
          { partitionKey: tenantId, maxItemCount: batchSize, continuationToken: continuation },
        )
        .fetchNext(),
    );
    continuation = page.continuationToken || undefined;
  } while (page.resources.length === 0 && continuation);
  await mapLimited(page.resources, 10, async ({ id }) => {
    await write(() => container.item(id, tenantId).delete(), { 404: "missing" });
  });
  return page.resources.length;
}
