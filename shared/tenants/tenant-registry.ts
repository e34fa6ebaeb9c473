import { randomBytes, randomUUID } from "node:crypto";
import type { TenantStore } from "../store/tenant-store.js";
import {
  addClient,
  addClientSecret,
  addFederation,
  addToken,
  allowDirectory,
  disallowDirectory,
  markTokenUsed,
  removeClient,
  removeClientSecret,
  removeFederation,
  removeToken,
  setStatus,
  type TenantChange,
} from "./tenant-changes.js";
import {
  type ClientSecret,
  CREDENTIALS_PARTITION,
  type CredentialLookup,
  claimedLookups,
  type FederatedCredential,
  listsLookup,
  lookupId,
  newTenant,
  type OAuthClient,
  sha256Hex,
  type TenantDocument,
  type TokenCredential,
} from "./tenant-document.js";
import { TenantError } from "./tenant-error.js";
import { isTenantId, TENANT_ID_RULE } from "./tenant-id.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A claim younger than this may belong to a registration still in progress: never taken over. */
const CLAIM_GRACE_MS = 10 * 60_000;
const UPDATE_ATTEMPTS = 5;

/** A new random secret (Secret Token or client secret): 256 bits, base64url, shown once. */
const newSecret = () => randomBytes(32).toString("base64url");

export interface SecretOptions {
  label?: string;
  /** ISO 8601 instant after which the secret no longer authenticates. */
  expires?: string;
}

export interface FederationInput {
  issuer: string;
  subject: string;
  audience: string;
}

function checkExpiry(expires: string | undefined): string | undefined {
  if (expires === undefined) return undefined;
  const ms = Date.parse(expires);
  if (Number.isNaN(ms)) throw new TenantError("invalid", `Expiry '${expires}' is not a date.`);
  return new Date(ms).toISOString();
}

/**
 * Labels and display names: the CLI prints each in a table cell, one line per credential, and the
 * tenant document that holds them is read whole on every cache miss. Unchecked, a label with a line
 * break or terminal escape broke the tables, and long ones grew the document until Cosmos DB refused
 * it ("Request size is too large", exit 1).
 */
export const TEXT_MAX_LENGTH = 256;

function checkText(what: string, text: string | undefined) {
  if (text === undefined) return;
  if (text.length > TEXT_MAX_LENGTH || /[\p{Cc}\u2028\u2029]/u.test(text)) {
    throw new TenantError(
      "invalid",
      `${what} must be at most ${TEXT_MAX_LENGTH} characters, without control characters or line breaks.`,
    );
  }
}

function checkTenantId(tenantId: string) {
  if (!isTenantId(tenantId)) {
    throw new TenantError("invalid", `Tenant id '${tenantId}' is not valid: use ${TENANT_ID_RULE}.`);
  }
}

/**
 * Tenant administration over the `tenants` container: what the operator CLI (and tests) call.
 *
 * Registering a credential first **claims** it (creates its lookup document: atomic, so the same
 * token, `tid`, client id or federated subject can never belong to two tenants, even under
 * concurrent registrations), then adds it to the tenant document with optimistic concurrency.
 * Revoking first removes it from the tenant document (which takes effect: the tenant document is
 * the source of truth), then deletes the lookup. A crash between the steps leaves a lookup that
 * grants nothing, and that a later registration of the same credential reuses or takes over.
 */
export class TenantRegistry {
  constructor(
    private readonly store: TenantStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates an active tenant with no credentials. */
  async create(tenantId: string, displayName = tenantId): Promise<TenantDocument> {
    checkTenantId(tenantId);
    checkText("A display name", displayName);
    const created = await this.store.createTenant(newTenant(tenantId, displayName, this.stamp()));
    if (!created.ok) throw new TenantError("exists", `Tenant '${tenantId}' already exists.`);
    return created.value;
  }

  async get(tenantId: string): Promise<TenantDocument> {
    checkTenantId(tenantId);
    const tenant = await this.store.readTenant(tenantId);
    if (!tenant) throw new TenantError("not_found", `No tenant '${tenantId}'.`);
    return tenant;
  }

  list(): Promise<TenantDocument[]> {
    return this.store.listTenants();
  }

  suspend(tenantId: string) {
    return this.update(tenantId, setStatus("suspended", this.stamp()));
  }

  resume(tenantId: string) {
    return this.update(tenantId, setStatus("active", this.stamp()));
  }

  /** A new Secret Token; the clear token is returned only here and stored nowhere. */
  async createToken(tenantId: string, options: SecretOptions = {}) {
    checkText("A label", options.label);
    const token = newSecret();
    const sha256 = sha256Hex(token);
    const expires = checkExpiry(options.expires);
    const credential: TokenCredential = {
      id: sha256.slice(0, 8),
      sha256,
      label: options.label ?? "",
      created: this.stamp(),
      ...(expires ? { expires } : {}),
    };
    await this.register(
      tenantId,
      this.lookup(lookupId.token(sha256), "token", tenantId),
      addToken(credential),
    );
    return { token, credential };
  }

  async revokeToken(tenantId: string, tokenId: string) {
    const tenant = await this.get(tenantId);
    const token = tenant.tokens.find((t) => t.id === tokenId);
    await this.update(tenantId, removeToken(tokenId));
    if (token) await this.release(tenantId, lookupId.token(token.sha256));
  }

  /** Records the UTC day a token was last used; a no-op when the day is already recorded. */
  async markTokenUsed(tenantId: string, tokenId: string, day: string) {
    await this.update(tenantId, markTokenUsed(tokenId, day));
  }

  /** Accepts Entra-issued JWTs of directory `tid` for the tenant. */
  async allowDirectory(tenantId: string, tid: string) {
    if (!GUID.test(tid)) throw new TenantError("invalid", `'${tid}' is not an Entra tenant id (a GUID).`);
    const normalized = tid.toLowerCase();
    return this.register(
      tenantId,
      this.lookup(lookupId.tid(normalized), "tid", tenantId),
      allowDirectory(normalized, this.stamp()),
    );
  }

  async disallowDirectory(tenantId: string, tid: string) {
    const normalized = tid.toLowerCase();
    await this.update(tenantId, disallowDirectory(normalized));
    await this.release(tenantId, lookupId.tid(normalized));
  }

  /** A new OAuth client with one secret; the clear secret is returned only here. */
  async createClient(tenantId: string, options: SecretOptions = {}) {
    const clientId = randomUUID();
    const { secret, credential } = this.clientSecret(options);
    const client: OAuthClient = {
      clientId,
      label: options.label ?? "",
      created: this.stamp(),
      secrets: [credential],
      federated: [],
    };
    await this.register(
      tenantId,
      this.lookup(lookupId.client(clientId), "client", tenantId),
      addClient(client),
    );
    return { client, secret, secretId: credential.id };
  }

  /** Another secret for a client (several are valid at once, for rotation). */
  async addClientSecret(tenantId: string, clientId: string, options: SecretOptions = {}) {
    const { secret, credential } = this.clientSecret(options);
    await this.update(tenantId, addClientSecret(clientId, credential));
    return { secret, credential };
  }

  revokeClientSecret(tenantId: string, clientId: string, secretId: string) {
    return this.update(tenantId, removeClientSecret(clientId, secretId));
  }

  /** Deletes a client: its access tokens stop working within the credential cache time. */
  async deleteClient(tenantId: string, clientId: string) {
    const client = (await this.get(tenantId)).clients.find((c) => c.clientId === clientId);
    await this.update(tenantId, removeClient(clientId));
    for (const f of client?.federated ?? [])
      await this.release(tenantId, lookupId.federated(f.issuer, f.subject));
    await this.release(tenantId, lookupId.client(clientId));
  }

  /** Lets the client authenticate with Entra-issued assertions of this issuer and subject (RFC 7523). */
  async federate(tenantId: string, clientId: string, input: FederationInput) {
    const issuer = input.issuer.trim();
    if (!URL.canParse(issuer) || !issuer.startsWith("https://")) {
      throw new TenantError("invalid", `Issuer '${issuer}' must be an https URL.`);
    }
    if (!input.subject.trim() || !input.audience.trim()) {
      throw new TenantError("invalid", "Subject and audience must not be empty.");
    }
    const id = lookupId.federated(issuer, input.subject);
    const federation: FederatedCredential = {
      id: id.slice("federated:".length, "federated:".length + 8),
      issuer,
      subject: input.subject,
      audience: input.audience,
      created: this.stamp(),
    };
    const lookup = { ...this.lookup(id, "federated", tenantId), clientId };
    const tenant = await this.register(tenantId, lookup, addFederation(clientId, federation));
    const client = tenant.clients.find((c) => c.clientId === clientId);
    return client?.federated.find((f) => f.issuer === issuer && f.subject === input.subject) ?? federation;
  }

  async unfederate(tenantId: string, clientId: string, federationId: string) {
    const client = (await this.get(tenantId)).clients.find((c) => c.clientId === clientId);
    const federation = client?.federated.find((f) => f.id === federationId);
    await this.update(tenantId, removeFederation(clientId, federationId));
    if (federation) await this.release(tenantId, lookupId.federated(federation.issuer, federation.subject));
  }

  /**
   * First step of deleting a tenant: status `deleting` (no credential authenticates from then on,
   * within the cache time) and every credential released. Safe to repeat. `inactiveSince` is when
   * the tenant stopped being active, from which the caller waits out the caches: judged on the very
   * document the conditional write replaced, since a tenant read earlier as long suspended may
   * have been resumed (and cached as active again) since that read.
   */
  async beginDelete(tenantId: string): Promise<{ tenant: TenantDocument; inactiveSince: string }> {
    let inactiveSince = this.stamp();
    const tenant = await this.update(tenantId, (t) => {
      inactiveSince = t.status === "active" ? this.stamp() : t.statusChanged;
      return t.status === "deleting" ? undefined : { ...t, status: "deleting", statusChanged: this.stamp() };
    });
    for (const id of claimedLookups(tenant).keys()) await this.release(tenantId, id);
    return { tenant, inactiveSince };
  }

  /** Last step of deleting a tenant, once its data is gone: the tenant document itself. */
  async finishDelete(tenantId: string) {
    const tenant = await this.get(tenantId);
    if (tenant.status !== "deleting") {
      throw new TenantError("conflict", `Tenant '${tenantId}' is not being deleted.`);
    }
    const deleted = await this.store.deleteTenant(tenantId, tenant._etag ?? "");
    if (!deleted.ok && deleted.reason === "stale") {
      throw new TenantError("busy", `Tenant '${tenantId}' changed while being deleted: run delete again.`);
    }
  }

  private stamp() {
    return this.now().toISOString();
  }

  private lookup(id: string, kind: CredentialLookup["kind"], owner: string): CredentialLookup {
    return { id, tenantId: CREDENTIALS_PARTITION, type: "credential", kind, owner, created: this.stamp() };
  }

  private clientSecret(options: SecretOptions): { secret: string; credential: ClientSecret } {
    checkText("A label", options.label);
    const secret = newSecret();
    const sha256 = sha256Hex(secret);
    const expires = checkExpiry(options.expires);
    return {
      secret,
      credential: {
        id: sha256.slice(0, 8),
        sha256,
        label: options.label ?? "",
        created: this.stamp(),
        ...(expires ? { expires } : {}),
      },
    };
  }

  /** Read, change, replace if unchanged since the read; re-read and re-apply on a concurrent write. */
  private async update(tenantId: string, change: TenantChange): Promise<TenantDocument> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const current = await this.get(tenantId);
      const next = change(current);
      if (!next) return current;
      const written = await this.store.replaceTenant(next, current._etag ?? "");
      if (written.ok) return written.value;
      if (written.reason === "missing") throw new TenantError("not_found", `No tenant '${tenantId}'.`);
    }
    throw new TenantError("busy", `Tenant '${tenantId}' is changing concurrently: try again.`);
  }

  /** Claim, then record; a failed record releases the claim unless the tenant lists it after all. */
  private async register(tenantId: string, lookup: CredentialLookup, change: TenantChange) {
    const tenant = await this.get(tenantId);
    if (tenant.status === "deleting") {
      throw new TenantError("conflict", `Tenant '${tenantId}' is being deleted.`);
    }
    await this.claim(lookup);
    try {
      return await this.update(tenantId, change);
    } catch (error) {
      const current = await this.store.readTenant(tenantId);
      if (!current || !listsLookup(current, lookup)) await this.release(tenantId, lookup.id);
      throw error;
    }
  }

  private async claim(lookup: CredentialLookup): Promise<void> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const created = await this.store.createLookup(lookup);
      if (created.ok) return;
      const existing = await this.store.readLookup(lookup.id);
      if (!existing) continue;
      const ours = existing.owner === lookup.owner && (existing.clientId ?? "") === (lookup.clientId ?? "");
      if (ours) return;
      if (!(await this.dangling(existing))) {
        throw new TenantError(
          "conflict",
          `This ${describe(lookup.kind)} is already registered to tenant '${existing.owner}'${
            existing.clientId ? ` (client ${existing.clientId})` : ""
          }.`,
        );
      }
      const taken = await this.store.replaceLookup(lookup, existing._etag ?? "");
      if (taken.ok) return;
    }
    throw new TenantError("busy", "The credential is being registered concurrently: try again.");
  }

  /**
   * A lookup that grants nothing: its tenant is gone or being deleted, or does not list the
   * credential and the claim is old enough not to be a registration still in flight.
   */
  private async dangling(lookup: CredentialLookup): Promise<boolean> {
    const owner = await this.store.readTenant(lookup.owner);
    if (!owner || owner.status === "deleting") return true;
    const age = this.now().getTime() - Date.parse(lookup.created);
    return age >= CLAIM_GRACE_MS && !listsLookup(owner, lookup);
  }

  /** Deletes the lookup if this tenant holds it (never another tenant's claim). */
  private async release(tenantId: string, id: string) {
    const existing = await this.store.readLookup(id);
    if (existing?.owner === tenantId) await this.store.deleteLookup(id, existing._etag);
  }
}

const describe = (kind: CredentialLookup["kind"]) =>
  ({ token: "token", tid: "Entra tenant id", client: "client id", federated: "issuer and subject" })[kind];
