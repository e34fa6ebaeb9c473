import { randomUUID } from "node:crypto";
import type { StoreWrite, TenantStore } from "../../shared/store/tenant-store.js";
import type {
  AssertionRecord,
  CredentialLookup,
  TenantDocument,
} from "../../shared/tenants/tenant-document.js";

type Stored = TenantDocument | CredentialLookup | AssertionRecord;

/**
 * TenantStore in memory with Cosmos's semantics that matter here: ids unique per partition (409),
 * ETags (412 on a stale replace), copies in and out. Counts reads, so tests can show that a warm
 * cache answers without one.
 */
export class MemoryTenantStore implements TenantStore {
  readonly items = new Map<string, Stored & { _etag: string }>();
  reads = 0;

  private key = (partition: string, id: string) => `${partition}\u0000${id}`;
  private put<T extends Stored>(doc: T): T & { _etag: string } {
    const stored = { ...structuredClone(doc), _etag: randomUUID() };
    this.items.set(this.key(doc.tenantId, doc.id), stored);
    return structuredClone(stored);
  }
  private get<T>(partition: string, id: string): T | undefined {
    this.reads++;
    const doc = this.items.get(this.key(partition, id));
    return doc ? (structuredClone(doc) as T) : undefined;
  }
  private async create<T extends Stored>(doc: T): Promise<StoreWrite<T>> {
    if (this.items.has(this.key(doc.tenantId, doc.id))) return { ok: false, reason: "conflict" };
    return { ok: true, value: this.put(doc) };
  }
  private async replace<T extends Stored>(doc: T, etag: string): Promise<StoreWrite<T>> {
    const current = this.items.get(this.key(doc.tenantId, doc.id));
    if (!current) return { ok: false, reason: "missing" };
    if (current._etag !== etag) return { ok: false, reason: "stale" };
    return { ok: true, value: this.put(doc) };
  }
  private async remove(partition: string, id: string, etag?: string): Promise<StoreWrite<undefined>> {
    const current = this.items.get(this.key(partition, id));
    if (!current) return { ok: false, reason: "missing" };
    if (etag && current._etag !== etag) return { ok: false, reason: "stale" };
    this.items.delete(this.key(partition, id));
    return { ok: true, value: undefined };
  }

  async readTenant(tenantId: string) {
    const doc = this.get<TenantDocument>(tenantId, tenantId);
    return doc?.type === "tenant" ? doc : undefined;
  }
  createTenant = (tenant: TenantDocument) => this.create(tenant);
  replaceTenant = (tenant: TenantDocument, etag: string) => this.replace(tenant, etag);
  deleteTenant = (tenantId: string, etag: string) => this.remove(tenantId, tenantId, etag);
  async listTenants() {
    return [...this.items.values()].filter(
      (d): d is TenantDocument & { _etag: string } => d.type === "tenant",
    );
  }
  async readLookup(id: string) {
    return this.get<CredentialLookup>("_credentials", id);
  }
  createLookup = (lookup: CredentialLookup) => this.create(lookup);
  replaceLookup = (lookup: CredentialLookup, etag: string) => this.replace(lookup, etag);
  deleteLookup = (id: string, etag?: string) => this.remove("_credentials", id, etag);
  async recordAssertion(record: AssertionRecord) {
    return (await this.create(record)).ok ? ("recorded" as const) : ("replayed" as const);
  }
}
