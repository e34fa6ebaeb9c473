import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";

const LOOPBACK = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?\/?$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z
  .object({
    SCIM_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    SCIM_TOKEN_SHA256: z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(SHA256_HEX, "must be comma-separated hex SHA-256 digests")))
      .optional(),
    SCIM_TENANT_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 . _ -")
      .default("default"),
    SCIM_BASE_URL: z.url().optional(),
    // Half of Cosmos DB's 2 MB item limit: a document holds the resource twice (as sent, lower-cased).
    SCIM_MAX_BODY_BYTES: int(524_288, 1024, 1_000_000),
    SCIM_REQUEST_BUDGET_MS: int(30_000, 200, 55_000),
    SCIM_MAX_RESULTS: int(200, 1, 1000),
    SCIM_DEFAULT_PAGE_SIZE: int(100, 1, 1000),
    SCIM_SCHEMA_EXTENSIONS: z.string().optional(),
    SCIM_SCHEMA_EXTENSIONS_FILE: z.string().optional(),
    COSMOS_ENDPOINT: z.url(),
    COSMOS_DATABASE: z
      .string()
      .regex(/^[^/\\#?]{1,255}$/, "is not a valid database id")
      .default("scim"),
    COSMOS_KEY: z.string().optional(),
    COSMOS_CREATE_CONTAINERS: z.enum(["true", "false"]).optional(),
    COSMOS_REQUEST_TIMEOUT_MS: int(10_000, 100, 60_000),
    AZURE_CLIENT_ID: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.SCIM_TOKEN && !env.SCIM_TOKEN_SHA256?.length) {
      ctx.addIssue({ code: "custom", path: ["SCIM_TOKEN_SHA256"], message: "or SCIM_TOKEN must be set" });
    }
    if (env.COSMOS_KEY && !LOOPBACK.test(env.COSMOS_ENDPOINT)) {
      ctx.addIssue({
        code: "custom",
        path: ["COSMOS_KEY"],
        message: "is only allowed for a local emulator; Azure accounts are reached with managed identity",
      });
    }
  });

export interface Config {
  /** SHA-256 digests of every accepted Secret Token (several at once, so tokens can be rotated). */
  tokenDigests: Buffer[];
  tenantId: string;
  baseUrl: string | undefined;
  maxBodyBytes: number;
  /** How long one request may keep retrying Cosmos DB before it answers 429/503: well inside Entra's 60 s. */
  requestBudgetMs: number;
  maxResults: number;
  defaultPageSize: number;
  /** HMAC key of pagination cursors (RFC 9865): random per process until signing keys are configured. */
  cursorKey: Buffer;
  schemaExtensions: string | undefined;
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

/** Parses the environment once; a bad setting fails with a message that names it. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "environment"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = result.data;
  const digests = (e.SCIM_TOKEN_SHA256 ?? []).map((hex) => Buffer.from(hex, "hex"));
  if (e.SCIM_TOKEN) digests.push(createHash("sha256").update(e.SCIM_TOKEN, "utf8").digest());
  return {
    tokenDigests: digests,
    tenantId: e.SCIM_TENANT_ID,
    baseUrl: e.SCIM_BASE_URL?.replace(/\/+$/, ""),
    maxBodyBytes: e.SCIM_MAX_BODY_BYTES,
    requestBudgetMs: e.SCIM_REQUEST_BUDGET_MS,
    maxResults: e.SCIM_MAX_RESULTS,
    defaultPageSize: Math.min(e.SCIM_DEFAULT_PAGE_SIZE, e.SCIM_MAX_RESULTS),
    cursorKey: randomBytes(32),
    schemaExtensions: e.SCIM_SCHEMA_EXTENSIONS ?? readExtensionsFile(e.SCIM_SCHEMA_EXTENSIONS_FILE),
    cosmos: {
      endpoint: e.COSMOS_ENDPOINT,
      database: e.COSMOS_DATABASE,
      key: e.COSMOS_KEY,
      createContainers: e.COSMOS_CREATE_CONTAINERS
        ? e.COSMOS_CREATE_CONTAINERS === "true"
        : LOOPBACK.test(e.COSMOS_ENDPOINT),
      requestTimeoutMs: e.COSMOS_REQUEST_TIMEOUT_MS,
      managedIdentityClientId: e.AZURE_CLIENT_ID,
    },
  };
}
