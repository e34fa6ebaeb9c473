import { createHash } from "node:crypto";

/**
 * The documents of the `tenants` container (partition key `/tenantId`). docs/tenants.md is the
 * contract; a change here is a change of stored data.
 *
 * - One **tenant document** per tenant, `id` = `tenantId` = the tenant id, in the tenant's own
 *   partition. It is the source of truth: whether the tenant is active and which credentials are
 *   valid (present, not expired).
 * - One **lookup document** per credential in the reserved partition `_credentials`, with a
 *   deterministic id (`token:<sha256>`, `tid:<guid>`, `client:<id>`, `federated:<sha256>`). Cosmos
 *   ids are unique per partition, so creating it claims the credential atomically for one tenant;
 *   it is also the index from a presented credential to its tenant. A lookup whose tenant does not
 *   list the credential is dangling and grants nothing.
 * - One **assertion record** per accepted client assertion `jti`, in the reserved partition
 *   `_assertions` (`id` = `jti:<sha256>`), so that a replay is a 409 on whichever instance sees it.
 */

/** Reserved partition of the credential lookups; tenant ids cannot start with `_`. */
export const CREDENTIALS_PARTITION = "_credentials";
/** Reserved partition of the replay records of client assertions. */
export const ASSERTIONS_PARTITION = "_assertions";

export type TenantStatus = "active" | "suspended" | "deleting";

/** A Secret Token, known only by its SHA-256 digest. */
export interface TokenCredential {
  /** The first 8 hex characters of the digest: the fingerprint that log lines carry. */
  id: string;
  sha256: string;
  label: string;
  created: string;
  expires?: string;
  /** UTC day (YYYY-MM-DD) of the last successful use, written at most once a day per instance. */
  lastUsed?: string;
}

/** An Entra directory (`tid`) whose provisioning JWTs authenticate this tenant. */
export interface EntraDirectory {
  tid: string;
  added: string;
}

export interface ClientSecret {
  id: string;
  sha256: string;
  label: string;
  created: string;
  expires?: string;
}

/** A workload identity federation credential: an Entra-issued assertion with this iss/sub/aud. */
export interface FederatedCredential {
  id: string;
  issuer: string;
  subject: string;
  audience: string;
  created: string;
}

/** An OAuth 2.0 client of the token endpoint (RFC 6749 §2). */
export interface OAuthClient {
  clientId: string;
  label: string;
  created: string;
  secrets: ClientSecret[];
  federated: FederatedCredential[];
}

export interface TenantDocument {
  id: string;
  tenantId: string;
  type: "tenant";
  displayName: string;
  status: TenantStatus;
  /** When `status` last changed: `delete` waits out the credential caches from then. */
  statusChanged: string;
  created: string;
  tokens: TokenCredential[];
  entraTenants: EntraDirectory[];
  clients: OAuthClient[];
  _etag?: string;
}

export type CredentialKind = "token" | "tid" | "client" | "federated";

export interface CredentialLookup {
  id: string;
  tenantId: typeof CREDENTIALS_PARTITION;
  type: "credential";
  kind: CredentialKind;
  /** The tenant that holds the credential. */
  owner: string;
  /** For `federated`: the OAuth client the federation belongs to. */
  clientId?: string;
  created: string;
  _etag?: string;
}

export interface AssertionRecord {
  id: string;
  tenantId: typeof ASSERTIONS_PARTITION;
  type: "assertion";
  /** Cosmos per-item TTL in seconds: effective where the container enables TTL. */
  ttl: number;
  expires: string;
}

/** The hex SHA-256 (FIPS 180-4) of a UTF-8 string: how secrets are stored and looked up. */
export const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** Deterministic lookup ids: the same credential always maps to the same document. */
export const lookupId = {
  token: (sha256: string) => `token:${sha256.toLowerCase()}`,
  tid: (tid: string) => `tid:${tid.toLowerCase()}`,
  client: (clientId: string) => `client:${clientId}`,
  federated: (issuer: string, subject: string) => `federated:${sha256Hex(`${issuer}\n${subject}`)}`,
} as const;

/** A new, active tenant with no credentials. */
export function newTenant(tenantId: string, displayName: string, now: string): TenantDocument {
  return {
    id: tenantId,
    tenantId,
    type: "tenant",
    displayName,
    status: "active",
    statusChanged: now,
    created: now,
    tokens: [],
    entraTenants: [],
    clients: [],
  };
}

const expired = (expires: string | undefined, now: Date) =>
  expires !== undefined && Date.parse(expires) <= now.getTime();

/** Why a credential presented for a tenant grants nothing (the log's reason code). */
export type CredentialRejection =
  | "tenant_unknown"
  | "tenant_suspended"
  | "revoked"
  | "expired"
  | "unregistered_tid"
  | "client_revoked";

export type Validity<T> = { ok: true; value: T } | { ok: false; reason: CredentialRejection };

const activeTenant = (tenant: TenantDocument | undefined): Validity<TenantDocument> =>
  !tenant
    ? { ok: false, reason: "tenant_unknown" }
    : tenant.status !== "active"
      ? { ok: false, reason: "tenant_suspended" }
      : { ok: true, value: tenant };

/** Is the Secret Token with this digest valid for the tenant now? */
export function validToken(
  tenant: TenantDocument | undefined,
  sha256: string,
  now: Date,
): Validity<TokenCredential> {
  const active = activeTenant(tenant);
  if (!active.ok) return active;
  const token = active.value.tokens.find((t) => t.sha256 === sha256);
  if (!token) return { ok: false, reason: "revoked" };
  if (expired(token.expires, now)) return { ok: false, reason: "expired" };
  return { ok: true, value: token };
}

/** Does the tenant accept Entra JWTs of directory `tid`? */
export function validDirectory(tenant: TenantDocument | undefined, tid: string): Validity<EntraDirectory> {
  const active = activeTenant(tenant);
  if (!active.ok) return active;
  const directory = active.value.entraTenants.find((d) => d.tid === tid.toLowerCase());
  return directory ? { ok: true, value: directory } : { ok: false, reason: "unregistered_tid" };
}

/** The client, if the tenant is active and still has it. */
export function validClient(tenant: TenantDocument | undefined, clientId: string): Validity<OAuthClient> {
  const active = activeTenant(tenant);
  if (!active.ok) return active;
  const client = active.value.clients.find((c) => c.clientId === clientId);
  return client ? { ok: true, value: client } : { ok: false, reason: "client_revoked" };
}

/** The client's secrets that are not expired now. */
export const activeSecrets = (client: OAuthClient, now: Date): ClientSecret[] =>
  client.secrets.filter((s) => !expired(s.expires, now));

/**
 * Is the credential an access token was issued for (`secret:<id>` or `federated:<id>`) still on the
 * client? Revoking a secret or a federation revokes the access tokens obtained with it.
 */
export function hasClientCredential(client: OAuthClient, credential: string, now: Date): boolean {
  const [kind, id] = credential.split(":", 2);
  if (kind === "secret") return activeSecrets(client, now).some((s) => s.id === id);
  if (kind === "federated") return client.federated.some((f) => f.id === id);
  return false;
}

/** Every lookup a tenant document's credentials claim, by lookup id (what a delete releases). */
export function claimedLookups(
  tenant: TenantDocument,
): Map<string, Pick<CredentialLookup, "kind" | "clientId">> {
  const claims = new Map<string, Pick<CredentialLookup, "kind" | "clientId">>();
  for (const t of tenant.tokens) claims.set(lookupId.token(t.sha256), { kind: "token" });
  for (const d of tenant.entraTenants) claims.set(lookupId.tid(d.tid), { kind: "tid" });
  for (const c of tenant.clients) {
    claims.set(lookupId.client(c.clientId), { kind: "client" });
    for (const f of c.federated) {
      claims.set(lookupId.federated(f.issuer, f.subject), { kind: "federated", clientId: c.clientId });
    }
  }
  return claims;
}

/** Does the tenant document list the credential this lookup claims (else the lookup is dangling)? */
export function listsLookup(
  tenant: TenantDocument,
  lookup: Pick<CredentialLookup, "id" | "clientId">,
): boolean {
  const claim = claimedLookups(tenant).get(lookup.id);
  return claim !== undefined && (claim.clientId ?? "") === (lookup.clientId ?? "");
}
