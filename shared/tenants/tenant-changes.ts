import type {
  ClientSecret,
  FederatedCredential,
  OAuthClient,
  TenantDocument,
  TenantStatus,
  TokenCredential,
} from "./tenant-document.js";
import { TenantError } from "./tenant-error.js";

/**
 * Pure changes of a tenant document. Each returns the changed copy, or `undefined` when the
 * document already says what was asked (so a retried command writes nothing), and throws a
 * TenantError when the change is refused. The registry applies them with optimistic concurrency.
 */
export type TenantChange = (tenant: TenantDocument) => TenantDocument | undefined;

/** Bounds that keep a tenant document small (Cosmos items are read whole on every cache miss). */
export const LIMITS = { tokens: 20, entraTenants: 20, clients: 20, secrets: 5, federated: 5 } as const;

function underLimit(count: number, limit: number, what: string) {
  if (count >= limit) {
    throw new TenantError("limit", `At most ${limit} ${what}: revoke one first.`);
  }
}

/**
 * A tenant being deleted takes no new credential. Checked in the change, on the document the
 * conditional write replaces: a check before it (the registry's) missed a delete that began in
 * between, and `client secret add` had none, so it printed a secret that could never work and left
 * the tenant document listing a credential whose claim `delete` had already released.
 */
function notDeleting(tenant: TenantDocument) {
  if (tenant.status === "deleting") {
    throw new TenantError("conflict", `Tenant '${tenant.id}' is being deleted.`);
  }
}

const clientOf = (tenant: TenantDocument, clientId: string): OAuthClient => {
  const client = tenant.clients.find((c) => c.clientId === clientId);
  if (!client) throw new TenantError("not_found", `Tenant '${tenant.id}' has no client '${clientId}'.`);
  return client;
};

const withClient = (tenant: TenantDocument, clientId: string, change: (c: OAuthClient) => OAuthClient) => {
  clientOf(tenant, clientId);
  return {
    ...tenant,
    clients: tenant.clients.map((c) => (c.clientId === clientId ? change(c) : c)),
  };
};

export const setStatus =
  (status: TenantStatus, now: string): TenantChange =>
  (tenant) => {
    if (tenant.status === status) return undefined;
    if (tenant.status === "deleting") {
      throw new TenantError(
        "conflict",
        `Tenant '${tenant.id}' is being deleted: run delete again to finish.`,
      );
    }
    return { ...tenant, status, statusChanged: now };
  };

export const addToken =
  (token: TokenCredential): TenantChange =>
  (tenant) => {
    notDeleting(tenant);
    if (tenant.tokens.some((t) => t.sha256 === token.sha256)) return undefined;
    underLimit(tenant.tokens.length, LIMITS.tokens, "Secret Tokens per tenant");
    if (tenant.tokens.some((t) => t.id === token.id)) {
      throw new TenantError("conflict", "Token id collision: create the token again.");
    }
    return { ...tenant, tokens: [...tenant.tokens, token] };
  };

export const removeToken =
  (tokenId: string): TenantChange =>
  (tenant) => {
    if (!tenant.tokens.some((t) => t.id === tokenId)) {
      throw new TenantError("not_found", `Tenant '${tenant.id}' has no token '${tokenId}'.`);
    }
    return { ...tenant, tokens: tenant.tokens.filter((t) => t.id !== tokenId) };
  };

export const markTokenUsed =
  (tokenId: string, day: string): TenantChange =>
  (tenant) => {
    const token = tenant.tokens.find((t) => t.id === tokenId);
    if (!token || (token.lastUsed ?? "") >= day) return undefined;
    return { ...tenant, tokens: tenant.tokens.map((t) => (t.id === tokenId ? { ...t, lastUsed: day } : t)) };
  };

export const allowDirectory =
  (tid: string, now: string): TenantChange =>
  (tenant) => {
    notDeleting(tenant);
    if (tenant.entraTenants.some((d) => d.tid === tid)) return undefined;
    underLimit(tenant.entraTenants.length, LIMITS.entraTenants, "Entra directories per tenant");
    return { ...tenant, entraTenants: [...tenant.entraTenants, { tid, added: now }] };
  };

export const disallowDirectory =
  (tid: string): TenantChange =>
  (tenant) => {
    if (!tenant.entraTenants.some((d) => d.tid === tid)) {
      throw new TenantError("not_found", `Tenant '${tenant.id}' does not accept directory ${tid}.`);
    }
    return { ...tenant, entraTenants: tenant.entraTenants.filter((d) => d.tid !== tid) };
  };

export const addClient =
  (client: OAuthClient): TenantChange =>
  (tenant) => {
    notDeleting(tenant);
    if (tenant.clients.some((c) => c.clientId === client.clientId)) return undefined;
    underLimit(tenant.clients.length, LIMITS.clients, "OAuth clients per tenant");
    return { ...tenant, clients: [...tenant.clients, client] };
  };

export const removeClient =
  (clientId: string): TenantChange =>
  (tenant) => {
    clientOf(tenant, clientId);
    return { ...tenant, clients: tenant.clients.filter((c) => c.clientId !== clientId) };
  };

export const addClientSecret =
  (clientId: string, secret: ClientSecret): TenantChange =>
  (tenant) => {
    notDeleting(tenant);
    const client = clientOf(tenant, clientId);
    if (client.secrets.some((s) => s.sha256 === secret.sha256)) return undefined;
    underLimit(client.secrets.length, LIMITS.secrets, "secrets per client");
    if (client.secrets.some((s) => s.id === secret.id)) {
      throw new TenantError("conflict", "Secret id collision: add the secret again.");
    }
    return withClient(tenant, clientId, (c) => ({ ...c, secrets: [...c.secrets, secret] }));
  };

export const removeClientSecret =
  (clientId: string, secretId: string): TenantChange =>
  (tenant) => {
    if (!clientOf(tenant, clientId).secrets.some((s) => s.id === secretId)) {
      throw new TenantError("not_found", `Client '${clientId}' has no secret '${secretId}'.`);
    }
    return withClient(tenant, clientId, (c) => ({
      ...c,
      secrets: c.secrets.filter((s) => s.id !== secretId),
    }));
  };

export const addFederation =
  (clientId: string, federation: FederatedCredential): TenantChange =>
  (tenant) => {
    notDeleting(tenant);
    const client = clientOf(tenant, clientId);
    const same = client.federated.find(
      (f) => f.issuer === federation.issuer && f.subject === federation.subject,
    );
    if (same && same.audience === federation.audience) return undefined;
    if (same) {
      throw new TenantError("exists", `Client '${clientId}' already federates this issuer and subject.`);
    }
    underLimit(client.federated.length, LIMITS.federated, "federated credentials per client");
    return withClient(tenant, clientId, (c) => ({ ...c, federated: [...c.federated, federation] }));
  };

export const removeFederation =
  (clientId: string, federationId: string): TenantChange =>
  (tenant) => {
    if (!clientOf(tenant, clientId).federated.some((f) => f.id === federationId)) {
      throw new TenantError(
        "not_found",
        `Client '${clientId}' has no federated credential '${federationId}'.`,
      );
    }
    return withClient(tenant, clientId, (c) => ({
      ...c,
      federated: c.federated.filter((f) => f.id !== federationId),
    }));
  };
