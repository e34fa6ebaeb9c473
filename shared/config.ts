import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as z from "zod";
import { deriveKeys, parseSigningKeys, randomSigningKeys, type SigningKey } from "./auth/signing-keys.js";
import { TENANT_ID_PATTERN, TENANT_ID_RULE } from "./tenants/tenant-id.js";

const LOOPBACK = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?\/?$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/i;
/**
 * What an `Authorization: Bearer` value can carry intact: visible ASCII. A space ends the credential
 * (RFC 6750 §2.1), and a header's other bytes reach the host as Latin-1, not as the UTF-8 hashed here.
 */
const HEADER_TOKEN = /^[\x21-\x7E]+$/;
/** RFC 6749 §3.3 scope-token: visible ASCII but `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * A whole number written in decimal digits. Number() would take "0x10" for 16, "1e3" for 1000 and a
 * blank value for 0: a typo would start with a value the operator never wrote.
 */
const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number in decimal digits")
    .transform(Number)
    .pipe(z.number().min(min).max(max))
    .default(fallback);

/** Entra's audience for the tokens it sends to every non-gallery SCIM app (docs/entra.md, Microsoft Learn). */
export const ENTRA_SCIM_AUDIENCE = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

/**
 * An http(s) URL that paths are appended to. `z.url()` alone takes "host:7071/scim/v2" for a URL of
 * the scheme "host:", and a query or fragment would end up in the middle of every URL built on it.
 */
const baseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL (with its scheme)" })
  .refine((url) => !/[?#]/.test(url), "must not have a query or fragment: paths are appended to it");

const list = (separator: RegExp) =>
  z.string().transform((s) =>
    s
      .split(separator)
      .map((t) => t.trim())
      .filter(Boolean),
  );

/** The database settings: all that the operator CLI needs. */
const storeFields = {
  COSMOS_ENDPOINT: baseUrl,
  COSMOS_DATABASE: z
    .string()
    .regex(/^[^/\\#?]{1,255}$/, "is not a valid database id")
    .default("scim"),
  COSMOS_KEY: z.string().optional(),
  COSMOS_CREATE_CONTAINERS: z.enum(["true", "false"]).optional(),
  COSMOS_REQUEST_TIMEOUT_MS: int(10_000, 100, 60_000),
  AZURE_CLIENT_ID: z.string().optional(),
};

type StoreEnv = z.infer<z.ZodObject<typeof storeFields>>;

function checkStore(env: StoreEnv, ctx: z.RefinementCtx) {
  if (env.COSMOS_KEY && !LOOPBACK.test(env.COSMOS_ENDPOINT)) {
    ctx.addIssue({
      code: "custom",
      path: ["COSMOS_KEY"],
      message: "is only allowed for a local emulator; Azure accounts are reached with managed identity",
    });
  }
}

const schema = z
  .object({
    SCIM_TOKEN: z
      .string()
      .min(16, "must be at least 16 characters")
      .regex(
        HEADER_TOKEN,
        "must be visible ASCII characters without spaces, or no bearer header can carry it",
      )
      .optional(),
    SCIM_TOKEN_SHA256: list(/,/)
      .pipe(z.array(z.string().regex(SHA256_HEX, "must be comma-separated hex SHA-256 digests")))
      .optional(),
    SCIM_TENANT_ID: z.string().regex(TENANT_ID_PATTERN, `must be ${TENANT_ID_RULE}`).default("default"),
    SCIM_SIGNING_KEYS: z.string().optional(),
    SCIM_ACCESS_TOKEN_SECONDS: int(3600, 300, 21_600),
    SCIM_AUTH_CACHE_SECONDS: int(30, 0, 60),
    SCIM_AUTH_CACHE_ENTRIES: int(10_000, 100, 1_000_000),
    SCIM_ENTRA_AUTHORITY: baseUrl.default("https://login.microsoftonline.com"),
    SCIM_ENTRA_AUDIENCES: list(/[\s,]+/).optional(),
    SCIM_FEDERATION_AUDIENCE: z.string().min(1).default("api://AzureADTokenExchange"),
    // None would leave the token endpoint granting an empty scope, or refusing every scope asked for.
    SCIM_OAUTH_SCOPES: list(/[\s,]+/)
      .pipe(
        z
          .array(
            z.string().regex(SCOPE_TOKEN, 'must be scope tokens: visible ASCII but " and \\ (RFC 6749 §3.3)'),
          )
          .min(1, "must name at least one scope"),
      )
      .default(["scim"]),
    SCIM_BASE_URL: baseUrl.optional(),
    // Half of Cosmos DB's 2 MB item limit: a document holds the resource twice (as sent, lower-cased).
    SCIM_MAX_BODY_BYTES: int(524_288, 1024, 1_000_000),
    SCIM_REQUEST_BUDGET_MS: int(30_000, 200, 55_000),
    SCIM_BULK_MAX_OPERATIONS: int(100, 1, 1000),
    SCIM_BULK_MAX_PAYLOAD_BYTES: int(1_048_576, 1024, 16_777_216),
    SCIM_MAX_RESULTS: int(200, 1, 1000),
    SCIM_DEFAULT_PAGE_SIZE: int(100, 1, 1000),
    // A list page is held in memory several times over (documents read, resources rendered, the JSON
    // text) and one instance runs several requests at once, of any tenant: 16 MiB lets a dozen such
    // pages fit well within a 2,048 MB instance, yet is some 40 times a page of 200 ordinary users
    // (about 2 KB each), so only outsized resources ever shorten a page. Up to 64 MiB (for 4 GB
    // instances); down to 1 KiB, which tests use.
    SCIM_MAX_RESPONSE_BYTES: int(16_777_216, 1024, 67_108_864),
    SCIM_SCHEMA_EXTENSIONS: z.string().optional(),
    SCIM_SCHEMA_EXTENSIONS_FILE: z.string().optional(),
    ...storeFields,
  })
  .superRefine((env, ctx) => {
    checkStore(env, ctx);
    if (env.SCIM_SIGNING_KEYS !== undefined) {
      const keys = parseSigningKeys(env.SCIM_SIGNING_KEYS);
      if (!keys.ok) ctx.addIssue({ code: "custom", path: ["SCIM_SIGNING_KEYS"], message: keys.message });
    } else if (!LOOPBACK.test(env.COSMOS_ENDPOINT)) {
      // Every instance must sign and verify with the same keys; a random key per process only works
      // for the single local process of the embedded default.
      ctx.addIssue({
        code: "custom",
        path: ["SCIM_SIGNING_KEYS"],
        message: "is required unless COSMOS_ENDPOINT is a local emulator (in Azure, a Key Vault reference)",
      });
    }
    if (env.SCIM_SCHEMA_EXTENSIONS?.trim() && env.SCIM_SCHEMA_EXTENSIONS_FILE) {
      // Either would be silently ignored: the operator cannot tell which extensions are served.
      ctx.addIssue({
        code: "custom",
        path: ["SCIM_SCHEMA_EXTENSIONS_FILE"],
        message: "cannot be set together with SCIM_SCHEMA_EXTENSIONS: keep one of them",
      });
    }
    const authority = URL.canParse(env.SCIM_ENTRA_AUTHORITY) ? new URL(env.SCIM_ENTRA_AUTHORITY) : undefined;
    if (authority && authority.protocol !== "https:" && !LOOPBACK.test(authority.origin)) {
      ctx.addIssue({
        code: "custom",
        path: ["SCIM_ENTRA_AUTHORITY"],
        message: "must be https (plain http only on a loopback address, for tests)",
      });
    }
  });

const storeSchema = z.object(storeFields).superRefine(checkStore);

/**
 * Read by `npm start` and the operator CLI only, not by the app in Azure: `PORT`, and `SCIM_LOCAL_FILE`
 * (where `npm start` tells `npm run tenants` its embedded database). Named here so that setting one is
 * not reported as a typo that nothing reads.
 */
const LOCAL_SETTING_NAMES = ["PORT", "SCIM_LOCAL_FILE"];

/** Every environment variable the endpoint reads (the README's configuration reference lists each). */
export const SETTING_NAMES: readonly string[] = [...Object.keys(schema.shape), ...LOCAL_SETTING_NAMES];

/**
 * Variables named like a setting that no setting reads: most likely a typo (`SCIM_MAX_BODY_BYTE`)
 * whose value would otherwise be silently ignored. `SCIM_TEST_*` belong to the test harness.
 */
function unknownSettings(env: Record<string, string | undefined>): string[] {
  const known = new Set(SETTING_NAMES);
  return Object.keys(env)
    .filter((name) => /^(SCIM|COSMOS)_/.test(name) && !name.startsWith("SCIM_TEST_") && !known.has(name))
    .sort();
}

export interface Config {
  /**
   * SHA-256 digests of the deployment-wide Secret Tokens of `SCIM_TOKEN` / `SCIM_TOKEN_SHA256`
   * (several at once, so tokens can be rotated); they authenticate the tenant `tenantId`.
   */
  tokenDigests: Buffer[];
  /** The tenant of the deployment-wide Secret Tokens (single-tenant mode). */
  tenantId: string;
  /**
   * Keys for what the server signs itself (access tokens, and anything else through
   * `deriveKey(purpose)`): the first signs, all verify. Random per process when not configured,
   * which config allows only for a local emulator.
   */
  signingKeys: SigningKey[];
  signingKeysEphemeral: boolean;
  auth: {
    /** Lifetime of the token endpoint's access tokens. */
    accessTokenSeconds: number;
    /** How long an instance trusts what it read about a credential or tenant (at most 60). */
    cacheSeconds: number;
    cacheEntries: number;
    /** Entra's authority; OpenID metadata is read from `<authority>/common/[v2.0/].well-known/...`. */
    entraAuthority: string;
    /** Accepted `aud` of Entra-issued bearer JWTs: Entra's SCIM audience plus configured app ids. */
    entraAudiences: string[];
    /** Default `aud` of workload identity federation client assertions (RFC 7523). */
    federationAudience: string;
    /** Scopes the token endpoint grants (RFC 6749 §3.3). */
    oauthScopes: string[];
  };
  baseUrl: string | undefined;
  maxBodyBytes: number;
  /** How long one request may keep retrying Cosmos DB before it answers 429/503: well inside Entra's 60 s. */
  requestBudgetMs: number;
  /** RFC 7644 §3.7.4 limits of /Bulk, advertised in /ServiceProviderConfig. */
  bulk: { maxOperations: number; maxPayloadBytes: number };
  maxResults: number;
  defaultPageSize: number;
  /**
   * Most bytes of resources one list page holds (RFC 7644 §3.4.2.4 lets a page hold fewer than
   * `count`): a page stops short of it, but always holds at least one resource.
   */
  maxResponseBytes: number;
  /**
   * HMAC keys of pagination cursors (RFC 9865), derived from the signing keys: the first signs,
   * all verify, so a key rotation does not break the cursors of a sync in progress.
   */
  cursorKeys: Buffer[];
  /** The custom extension schemas as JSON text, and the setting it came from (which its errors name). */
  schemaExtensions: { text: string; source: ExtensionsSetting } | undefined;
  /** `SCIM_*` / `COSMOS_*` variables no setting reads (typos, most likely): logged, not fatal. */
  unknownSettings: string[];
  cosmos: {
    endpoint: string;
    database: string;
    key: string | undefined;
    /** Locally the app creates its database and containers; in Azure, Bicep does. */
    createContainers: boolean;
    /** Per HTTP call to Cosmos DB; the SDK's default (60 s) would outlast Entra's patience. */
    requestTimeoutMs: number;
    managedIdentityClientId: string | undefined;
  };
}

type ExtensionsSetting = "SCIM_SCHEMA_EXTENSIONS" | "SCIM_SCHEMA_EXTENSIONS_FILE";

export class ConfigError extends Error {
  override name = "ConfigError";
}

function readExtensionsFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `Invalid configuration:\n  SCIM_SCHEMA_EXTENSIONS_FILE: cannot be read (${reason})`,
    );
  }
}

/** A blank SCIM_SCHEMA_EXTENSIONS (an app setting that exists but is empty) is unset: the file is read. */
function schemaExtensions(text: string | undefined, file: string | undefined): Config["schemaExtensions"] {
  if (text?.trim()) return { text, source: "SCIM_SCHEMA_EXTENSIONS" };
  const contents = readExtensionsFile(file);
  return contents === undefined ? undefined : { text: contents, source: "SCIM_SCHEMA_EXTENSIONS_FILE" };
}

function parsed<T>(parser: z.ZodType<T>, env: Record<string, string | undefined>): T {
  const result = parser.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "environment"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** Parses the environment once; a bad setting fails with a message that names it. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const e = parsed(schema, env);
  const digests = (e.SCIM_TOKEN_SHA256 ?? []).map((hex) => Buffer.from(hex, "hex"));
  if (e.SCIM_TOKEN) digests.push(createHash("sha256").update(e.SCIM_TOKEN, "utf8").digest());
  const configuredKeys =
    e.SCIM_SIGNING_KEYS === undefined ? undefined : parseSigningKeys(e.SCIM_SIGNING_KEYS);
  const signingKeys = configuredKeys?.ok ? configuredKeys.keys : randomSigningKeys();
  return {
    tokenDigests: digests,
    tenantId: e.SCIM_TENANT_ID,
    signingKeys,
    signingKeysEphemeral: !configuredKeys?.ok,
    auth: {
      accessTokenSeconds: e.SCIM_ACCESS_TOKEN_SECONDS,
      cacheSeconds: e.SCIM_AUTH_CACHE_SECONDS,
      cacheEntries: e.SCIM_AUTH_CACHE_ENTRIES,
      entraAuthority: e.SCIM_ENTRA_AUTHORITY.replace(/\/+$/, ""),
      entraAudiences: [...new Set([ENTRA_SCIM_AUDIENCE, ...(e.SCIM_ENTRA_AUDIENCES ?? [])])],
      federationAudience: e.SCIM_FEDERATION_AUDIENCE,
      oauthScopes: e.SCIM_OAUTH_SCOPES,
    },
    baseUrl: e.SCIM_BASE_URL?.replace(/\/+$/, ""),
    maxBodyBytes: e.SCIM_MAX_BODY_BYTES,
    requestBudgetMs: e.SCIM_REQUEST_BUDGET_MS,
    bulk: { maxOperations: e.SCIM_BULK_MAX_OPERATIONS, maxPayloadBytes: e.SCIM_BULK_MAX_PAYLOAD_BYTES },
    maxResults: e.SCIM_MAX_RESULTS,
    defaultPageSize: Math.min(e.SCIM_DEFAULT_PAGE_SIZE, e.SCIM_MAX_RESULTS),
    maxResponseBytes: e.SCIM_MAX_RESPONSE_BYTES,
    cursorKeys: deriveKeys(signingKeys, "pagination-cursor").map((k) => k.key),
    schemaExtensions: schemaExtensions(e.SCIM_SCHEMA_EXTENSIONS, e.SCIM_SCHEMA_EXTENSIONS_FILE),
    unknownSettings: unknownSettings(env),
    cosmos: cosmosConfig(e),
  };
}

function cosmosConfig(e: StoreEnv): Config["cosmos"] {
  return {
    endpoint: e.COSMOS_ENDPOINT,
    database: e.COSMOS_DATABASE,
    key: e.COSMOS_KEY,
    createContainers: e.COSMOS_CREATE_CONTAINERS
      ? e.COSMOS_CREATE_CONTAINERS === "true"
      : LOOPBACK.test(e.COSMOS_ENDPOINT),
    requestTimeoutMs: e.COSMOS_REQUEST_TIMEOUT_MS,
    managedIdentityClientId: e.AZURE_CLIENT_ID,
  };
}

/** Parses only the database settings (the operator CLI needs no token or key settings). */
export function parseStoreConfig(env: Record<string, string | undefined>): Config["cosmos"] {
  return cosmosConfig(parsed(storeSchema, env));
}

/**
 * `SCIM_BASE_URL` for the operator CLI, which prints the Tenant URL and token endpoint from it: held to
 * the app's rule, so a typo is a configuration error rather than a crash or a URL Entra cannot use.
 */
export function parseBaseUrl(env: Record<string, string | undefined>): string | undefined {
  return parsed(z.object({ SCIM_BASE_URL: baseUrl.optional() }), env).SCIM_BASE_URL?.replace(/\/+$/, "");
}

/** `PORT`, read as strictly as the other settings: "0x1f90" or "80.5" is a typo, not a port. */
export function localPort(value: string | undefined): number {
  if (value === undefined) return 7071;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new ConfigError(
      `Invalid configuration:\n  PORT: must be a port number, 0 to 65535 (0 picks a free port)`,
    );
  }
  return Number(value);
}
