import { isStorableId } from "../store/documents.js";
import type { TenantStore } from "../store/tenant-store.js";
import type { CredentialLookup, TenantDocument } from "../tenants/tenant-document.js";
import { TtlCache } from "./ttl-cache.js";

export interface CredentialDirectoryOptions {
  /** How long a lookup or tenant read is trusted: the bound on how late a revocation takes effect. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

/** How often `freshTenant` may bypass the cache for one tenant. */
const REFRESH_INTERVAL_MS = 5_000;

/** A credential's lookup and the tenant document it points at. */
export interface ResolvedCredential {
  lookup: CredentialLookup;
  tenant: TenantDocument | undefined;
}

/**
 * Resolves credentials to tenants through the `tenants` container with two bounded TTL caches (the
 * lookup documents and the tenant documents), so that a warm instance authenticates a known
 * credential without a Cosmos read, and a revocation or suspension is seen within `ttlMs`.
 * Answers that nothing exists are cached too (for the same time), so a client repeating a bad
 * credential does not cost a read per request.
 */
export class CredentialDirectory {
  private readonly lookups: TtlCache<string, CredentialLookup | undefined>;
  private readonly tenants: TtlCache<string, TenantDocument | undefined>;
  private readonly refreshed: TtlCache<string, true>;

  constructor(
    private readonly store: Pick<TenantStore, "readLookup" | "readTenant">,
    options: CredentialDirectoryOptions,
  ) {
    this.lookups = new TtlCache(options);
    this.tenants = new TtlCache(options);
    this.refreshed = new TtlCache({ ...options, ttlMs: REFRESH_INTERVAL_MS });
  }

  /** The tenant document (cached), or undefined when there is none. */
  tenant(tenantId: string): Promise<TenantDocument | undefined> {
    return this.tenants.get(tenantId, () => this.store.readTenant(tenantId));
  }

  /**
   * The tenant document read again, bypassing the cache, at most once per tenant every few
   * seconds: for a credential added to an existing client (a new client secret), which a tenant
   * document cached a moment earlier does not list yet. Bounded, so that presenting a wrong secret
   * for a known client id cannot make every request cost a read.
   */
  async freshTenant(tenantId: string): Promise<TenantDocument | undefined> {
    if (this.refreshed.peek(tenantId)) return this.tenant(tenantId);
    this.refreshed.set(tenantId, true);
    const tenant = await this.store.readTenant(tenantId);
    this.tenants.set(tenantId, tenant);
    return tenant;
  }

  /**
   * The lookup with this id and its tenant (both cached), or undefined when nobody claims it.
   * Reading a lookup also re-reads its tenant: a credential registered a moment ago must not be
   * judged by a tenant document cached before it was added. That costs one more read per new
   * credential and instance; an unknown credential never reads a tenant.
   */
  async resolve(lookupId: string): Promise<ResolvedCredential | undefined> {
    // An id no lookup document can have (a client_id as sent, over 255 characters or with `/`) names
    // nobody: answered unread and not cached, or unique long ids would fill the cache's memory.
    if (!isStorableId(lookupId)) return undefined;
    const lookup = await this.lookups.get(lookupId, async () => {
      const found = await this.store.readLookup(lookupId);
      if (found) this.tenants.set(found.owner, await this.store.readTenant(found.owner));
      return found;
    });
    if (!lookup) return undefined;
    return { lookup, tenant: await this.tenant(lookup.owner) };
  }
}
