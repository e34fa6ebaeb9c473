import { ScimError } from "../errors/scim-error.js";

/** The HTTP status of a Cosmos SDK error, if it is one. */
export function cosmosStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown; statusCode?: unknown }).code;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof code === "number") return code;
  if (typeof status === "number") return status;
  return undefined;
}

/**
 * Cosmos throttling that outlived the SDK's own bounded retries becomes a 503 with Retry-After,
 * so Entra backs off instead of counting a hard failure; other Cosmos errors pass through.
 */
export function mapThrottling(error: unknown): unknown {
  if (cosmosStatus(error) !== 429) return error;
  const headers = (error as { headers?: Record<string, unknown> }).headers ?? {};
  const ms = Number(headers["x-ms-retry-after-ms"]);
  const seconds = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : 1;
  return new ScimError("unavailable", "The database is busy; retry after the indicated delay.", {
    "Retry-After": String(seconds),
  });
}
