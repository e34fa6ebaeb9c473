import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from "jose";
import * as z from "zod";
import { ScimError } from "../errors/scim-error.js";

/** Seconds a caller should wait before retrying when Entra's metadata or keys cannot be fetched. */
const RETRY_AFTER_SECONDS = 30;

/** Entra's signing keys could not be fetched: a 503 with Retry-After, never a 401 or a 500. */
export const keysUnavailable = (what: string) =>
  new ScimError("unavailable", `Entra's ${what} cannot be fetched right now; retry later.`, {
    "Retry-After": String(RETRY_AFTER_SECONDS),
  });

const METADATA = z.object({
  issuer: z.string().includes("{tenantid}"),
  jwks_uri: z.url(),
});

export interface EntraKeySourceOptions {
  /** An unknown `kid` refetches the key set at most this often (jose `cooldownDuration`). */
  cooldownMs?: number;
  /** Keys are refetched when older than this (jose `cacheMaxAge`). */
  keysMaxAgeMs?: number;
  /** The OpenID metadata (issuer template, key set URL) is re-read when older than this. */
  metadataMaxAgeMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/** jose errors that describe the token (a 401), as opposed to the key source (a 503). */
const TOKEN_PROBLEMS = new Set([
  "ERR_JWKS_NO_MATCHING_KEY",
  "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
  "ERR_JOSE_NOT_SUPPORTED",
]);

/**
 * Entra's signing keys for one family of tokens, found through OpenID Connect Discovery 1.0 §4
 * metadata: `<authority>/common/.well-known/openid-configuration` for v1 tokens (issuer
 * `https://sts.windows.net/{tenantid}/`, keys at `/common/discovery/keys`) or
 * `<authority>/common/v2.0/.well-known/openid-configuration` for v2 tokens (issuer
 * `https://login.microsoftonline.com/{tenantid}/v2.0`). The metadata gives the issuer template and
 * the JWKS (RFC 7517 §5) URL; jose's remote key set caches keys by `kid` and refetches on an unknown
 * `kid` at most once per cooldown. Failing to reach either is a 503, never a verdict on the token.
 */
export class EntraKeySource {
  private metadata: { value: Promise<z.infer<typeof METADATA>>; fetched: number } | undefined;
  private keySet: { uri: string; resolve: ReturnType<typeof createRemoteJWKSet> } | undefined;
  private readonly options: Required<EntraKeySourceOptions>;

  constructor(
    private readonly metadataUrl: string,
    options: EntraKeySourceOptions = {},
  ) {
    this.options = {
      cooldownMs: 60_000,
      keysMaxAgeMs: 3_600_000,
      metadataMaxAgeMs: 86_400_000,
      timeoutMs: 5_000,
      now: Date.now,
      ...options,
    };
  }

  /** The issuer Entra uses for directory `tid` (the metadata's `{tenantid}` template filled in). */
  async issuerFor(tid: string): Promise<string> {
    return (await this.readMetadata()).issuer.replace("{tenantid}", tid);
  }

  /** The directory id in `issuer`, if it has the shape of this family's issuer; else undefined. */
  async tenantOf(issuer: string): Promise<string | undefined> {
    const [before, after] = (await this.readMetadata()).issuer.split("{tenantid}");
    if (before === undefined || after === undefined) return undefined;
    if (!issuer.startsWith(before) || !issuer.endsWith(after)) return undefined;
    const tid = issuer.slice(before.length, issuer.length - after.length);
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tid) ? tid : undefined;
  }

  /** A jose key resolver; key-source failures become a 503 ScimError, token problems stay jose errors. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const { jwks_uri } = await this.readMetadata();
    if (this.keySet?.uri !== jwks_uri) {
      this.keySet = {
        uri: jwks_uri,
        resolve: createRemoteJWKSet(new URL(jwks_uri), {
          cooldownDuration: this.options.cooldownMs,
          cacheMaxAge: this.options.keysMaxAgeMs,
          timeoutDuration: this.options.timeoutMs,
        }),
      };
    }
    try {
      return await this.keySet.resolve(header, token);
    } catch (error) {
      if (error instanceof errors.JOSEError && TOKEN_PROBLEMS.has(error.code)) throw error;
      throw keysUnavailable("signing keys");
    }
  };

  private readMetadata() {
    const now = this.options.now();
    if (!this.metadata || now - this.metadata.fetched >= this.options.metadataMaxAgeMs) {
      const value = this.fetchMetadata();
      const entry = { value, fetched: now };
      this.metadata = entry;
      // A failure is not kept: the next request tries again.
      value.catch(() => {
        if (this.metadata === entry) this.metadata = undefined;
      });
    }
    return this.metadata.value;
  }

  private async fetchMetadata() {
    try {
      const response = await fetch(this.metadataUrl, {
        headers: { accept: "application/json" },
        redirect: "error",
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      return METADATA.parse(await response.json());
    } catch {
      throw keysUnavailable("OpenID metadata");
    }
  }
}

/** The metadata URL of Entra's v1 tokens (what provisioning sends) under an authority. */
export const v1MetadataUrl = (authority: string) => `${authority}/common/.well-known/openid-configuration`;
/** The metadata URL of Entra's v2 tokens (workload identity federation assertions). */
export const v2MetadataUrl = (authority: string) =>
  `${authority}/common/v2.0/.well-known/openid-configuration`;
