import { createHash, timingSafeEqual } from "node:crypto";
import { decodeJwt, type JWTPayload } from "jose";
import type { Config } from "../config.js";
import { ScimError } from "../errors/scim-error.js";
import {
  type CredentialRejection,
  hasClientCredential,
  lookupId,
  validClient,
  validDirectory,
  validToken,
} from "../tenants/tenant-document.js";
import { ACCESS_TOKEN_ISSUER, verifyAccessToken } from "./access-token.js";
import type { CredentialDirectory } from "./credential-directory.js";
import type { EntraKeySource } from "./entra-keys.js";
import { TtlCache } from "./ttl-cache.js";
import { ENTRA_CLOCK_SKEW_SECONDS, type JwtRejection, verifyJwt } from "./verify-jwt.js";

/** How the request authenticated (for logs and metrics). */
export type AuthMethod = "secret-token" | "entra-jwt" | "access-token";

/** The reason code of a refused credential: logged, never sent (every refusal answers the same). */
export type AuthFailureReason =
  | "missing"
  | "unknown_token"
  | "tenant_mismatch"
  | CredentialRejection
  | JwtRejection;

export type Authentication =
  | { ok: true; tenantId: string; method: AuthMethod }
  | { ok: false; reason: AuthFailureReason; fingerprint: string };

export interface AuthenticatorDeps {
  config: Config;
  directory: CredentialDirectory;
  /** Keys and issuer template of Entra's v1 tokens (what provisioning sends in place of a Secret Token). */
  entraKeys: EntraKeySource;
  /** Records the day a Secret Token was used; called at most once a day per token and instance. */
  markTokenUsed(tenantId: string, tokenId: string, day: string): Promise<void>;
  now?: () => Date;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;

/** The first 8 hex characters of the token's SHA-256: identifies a token in logs without revealing it. */
export const fingerprint = (token: string) =>
  createHash("sha256").update(token, "utf8").digest("hex").slice(0, 8);

/** RFC 6750 §2.1: `Authorization: Bearer <token>`; the scheme is case-insensitive. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization ?? "")?.[1];
}

function jwtPayload(token: string): JWTPayload | undefined {
  if (token.split(".").length !== 3) return undefined;
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/**
 * Resolves the tenant of a request from its bearer credential, and only from it (RFC 6750 §2.1):
 *
 * - a JWT whose `iss` is this server's token endpoint: an access token (RFC 6749 §4.4), verified
 *   locally, then its client, credential and tenant checked through the cached directory;
 * - a JWT carrying an Entra `tid`: an Entra-issued provisioning token, accepted only for a `tid`
 *   registered to an active tenant, RS256 with Entra's keys, Entra's issuer for that `tid`, an
 *   accepted audience, at most 5 minutes of clock skew;
 * - anything else: a Secret Token, matched by SHA-256 digest, first against the deployment-wide
 *   `SCIM_TOKEN(_SHA256)` (tenant `SCIM_TENANT_ID`) in constant time, then in the `tenants` container.
 *
 * Every refusal is data with a reason code; only Entra's keys being unreachable (a 503) throws.
 */
export class Authenticator {
  private readonly usedToday: TtlCache<string, string>;
  private readonly now: () => Date;

  constructor(private readonly deps: AuthenticatorDeps) {
    this.now = deps.now ?? (() => new Date());
    this.usedToday = new TtlCache({ ttlMs: DAY_MS, maxEntries: deps.config.auth.cacheEntries });
  }

  /** Authenticates one request; `log` receives failures of the off-path last-used write. */
  async authenticate(
    authorization: string | undefined,
    log: (message: string) => void,
  ): Promise<Authentication> {
    const token = bearerToken(authorization);
    if (!token) {
      // A Bearer credential that is not one token (a Secret Token pasted with a space inside) was
      // sent, and is refused as a malformed token (RFC 6750 §3.1), not answered as if none came.
      // Trailing white space is trimmed outside the regex: a lazy group before `\s*$` backtracked
      // quadratically over a header's inner white space (a 32 KB header cost a second of CPU,
      // before any authentication).
      const sent = /^Bearer\s+(\S[\s\S]*)$/i.exec(authorization ?? "")?.[1]?.trimEnd();
      return sent
        ? { ok: false, reason: "malformed", fingerprint: fingerprint(sent) }
        : { ok: false, reason: "missing", fingerprint: "-" };
    }
    const result = await this.resolve(token, log);
    return result.ok ? result : { ...result, fingerprint: fingerprint(token) };
  }

  private async resolve(
    token: string,
    log: (message: string) => void,
  ): Promise<{ ok: true; tenantId: string; method: AuthMethod } | { ok: false; reason: AuthFailureReason }> {
    const payload = jwtPayload(token);
    if (payload?.iss === ACCESS_TOKEN_ISSUER) return this.accessToken(token);
    if (typeof payload?.tid === "string" && GUID.test(payload.tid)) return this.entraJwt(token, payload.tid);
    return this.secretToken(token, log);
  }

  private async secretToken(token: string, log: (message: string) => void) {
    const digest = createHash("sha256").update(token, "utf8").digest();
    const { config, directory } = this.deps;
    let configured = false;
    for (const d of config.tokenDigests) configured = timingSafeEqual(digest, d) || configured;
    if (configured) {
      // The deployment-wide token needs no tenant document, but obeys one if the operator made it.
      const tenant = await directory.tenant(config.tenantId);
      if (tenant && tenant.status !== "active")
        return { ok: false as const, reason: "tenant_suspended" as const };
      return { ok: true as const, tenantId: config.tenantId, method: "secret-token" as const };
    }
    const sha256 = digest.toString("hex");
    const found = await directory.resolve(lookupId.token(sha256));
    if (!found) return { ok: false as const, reason: "unknown_token" as const };
    const valid = validToken(found.tenant, sha256, this.now());
    if (!valid.ok) return valid;
    this.noteUse(found.lookup.owner, valid.value.id, valid.value.lastUsed, log);
    return { ok: true as const, tenantId: found.lookup.owner, method: "secret-token" as const };
  }

  private async entraJwt(token: string, tid: string) {
    const { config, directory, entraKeys } = this.deps;
    const found = await directory.resolve(lookupId.tid(tid));
    if (!found) return { ok: false as const, reason: "unregistered_tid" as const };
    const valid = validDirectory(found.tenant, tid);
    if (!valid.ok) return valid;
    const verified = await verifyJwt(token, entraKeys.getKey, {
      algorithms: ["RS256"],
      issuer: await entraKeys.issuerFor(tid),
      audience: config.auth.entraAudiences,
      clockTolerance: ENTRA_CLOCK_SKEW_SECONDS,
      currentDate: this.now(),
      requiredClaims: ["exp"],
    });
    if (!verified.ok) return verified;
    return { ok: true as const, tenantId: found.lookup.owner, method: "entra-jwt" as const };
  }

  private async accessToken(token: string) {
    const verified = await verifyAccessToken(this.deps.config.signingKeys, token, this.now());
    if (!verified.ok) return verified;
    const { tenantId, clientId, credential } = verified.claims;
    const found = await this.deps.directory.resolve(lookupId.client(clientId));
    if (!found) return { ok: false as const, reason: "client_revoked" as const };
    if (found.lookup.owner !== tenantId) return { ok: false as const, reason: "tenant_mismatch" as const };
    let client = validClient(found.tenant, clientId);
    if (client.ok && !hasClientCredential(client.value, credential, this.now())) {
      // Issued by another instance with a secret added after this one cached the tenant.
      client = validClient(await this.deps.directory.freshTenant(tenantId), clientId);
    }
    if (!client.ok) return client;
    if (!hasClientCredential(client.value, credential, this.now())) {
      return { ok: false as const, reason: "revoked" as const };
    }
    return { ok: true as const, tenantId, method: "access-token" as const };
  }

  /**
   * "Last used" is a day, written at most once a day per token and instance, off the request's path:
   * the request never waits for it and never fails because of it.
   */
  private noteUse(tenantId: string, tokenId: string, lastUsed: string | undefined, log: (m: string) => void) {
    const day = this.now().toISOString().slice(0, 10);
    const key = `${tenantId}/${tokenId}`;
    if (lastUsed === day || this.usedToday.peek(key)?.value === day) return;
    this.usedToday.set(key, day);
    this.deps.markTokenUsed(tenantId, tokenId, day).catch((error: unknown) => {
      log(`Could not record the last use of token ${tokenId} of tenant ${tenantId}: ${String(error)}`);
    });
  }
}

/**
 * The 401 for a refused credential (RFC 6750 §3): no error code when none was sent (§3.1), else
 * `invalid_token` with the same body whether the token is unknown, expired, revoked, malformed or
 * of a suspended tenant, so that a response never tells which.
 */
export function unauthorized(failure: Extract<Authentication, { ok: false }>): ScimError {
  if (failure.reason === "missing") {
    return new ScimError("unauthorized", "A bearer token is required (Authorization: Bearer <token>).", {
      "WWW-Authenticate": 'Bearer realm="scim"',
    });
  }
  return new ScimError("unauthorized", "The bearer token is not valid.", {
    "WWW-Authenticate": 'Bearer realm="scim", error="invalid_token"',
  });
}
