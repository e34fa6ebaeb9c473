import { setTimeout as sleep } from "node:timers/promises";
import { ScimError } from "../errors/scim-error.js";

/**
 * What one SCIM request's Cosmos DB calls share: when the request must have answered by (one retry
 * budget for all its calls, well inside Entra's 60 s), and a meter of the calls made and request
 * units (RU) charged, for the request's log line.
 */
export interface CallContext {
  /** Epoch milliseconds after which no call is retried: the request answers 429/503 instead. */
  deadline: number;
  meter: { calls: number; requestCharge: number };
  /**
   * The elements PATCH operations visited in this request (every PATCH of a /Bulk request adds to
   * it), so that the CPU one request may spend applying them is bounded (apply-patch.ts).
   */
  work: { patchVisits: number };
}

/** A fresh context: `budgetMs` from now. */
export const callContext = (budgetMs: number): CallContext => ({
  deadline: Date.now() + budgetMs,
  meter: { calls: 0, requestCharge: 0 },
  work: { patchVisits: 0 },
});

/** The HTTP status of a Cosmos SDK error, if it is one. */
export function cosmosStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === "number") return code;
  if (typeof statusCode === "number") return statusCode;
  return undefined;
}

/**
 * Statuses that say "try again": throttling (429), service unavailable (503), request timeout
 * (408), gone (410: a partition moved), retry-with (449: a conflicting write in flight),
 * Cosmos's own internal errors (500), which Microsoft documents as transient for the gateway, and
 * a bad gateway or gateway timeout (502, 504) from a proxy or load balancer on the way.
 */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 410, 429, 449, 500, 502, 503, 504]);

/**
 * SDK and socket errors that carry no status: timeouts, resets, refused or dropped connections, and
 * a network or name lookup that failed for a moment (an unreachable host, a DNS answer lost), which
 * a retry within the budget, or the 503 after it, answers better than a 500.
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "TimeoutError",
  "AbortError",
  "REQUEST_SEND_ERROR",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

function transient(error: unknown): boolean {
  const status = cosmosStatus(error);
  if (status !== undefined) return TRANSIENT_STATUSES.has(status);
  if (typeof error !== "object" || error === null) return false;
  // An answer that is not JSON: an HTML error page from a gateway in front of the account, or a
  // body cut short. The SDK parses every body before it looks at the status, so this SyntaxError
  // is all it reports. A call runs only the SDK (no parsing of ours), so it can come from nowhere
  // else; a write that did land is what `retried` is for.
  if (error instanceof SyntaxError) return true;
  const { code, name, cause } = error as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
  if (typeof name === "string" && (name === "TimeoutError" || name === "AbortError")) return true;
  return cause !== undefined && cause !== error && transient(cause);
}

/** Cosmos's own advice for throttling: `x-ms-retry-after-ms`. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { headers?: Record<string, unknown> }).headers;
  const ms = Number(headers?.["x-ms-retry-after-ms"]);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** Full-jitter exponential backoff (100 ms doubling, at most 2 s), so retrying writers spread out. */
const backoff = (attempt: number) => Math.random() * Math.min(2000, 100 * 2 ** attempt);

/**
 * The answer when the database stays unavailable past the request's budget: never a 500. Throttling
 * is 429 with Cosmos's own wait (Entra pauses that job for that long); anything else transient is
 * 503 (RFC 7231 §6.6.4) with a short Retry-After.
 */
export function unavailable(error: unknown): ScimError {
  if (cosmosStatus(error) === 429) {
    const seconds = Math.max(1, Math.ceil((retryAfterMs(error) ?? 1000) / 1000));
    return new ScimError("tooManyRequests", "The database is busy; retry after the indicated delay.", {
      "Retry-After": String(seconds),
    });
  }
  return new ScimError("unavailable", "The database is temporarily unavailable; retry shortly.", {
    "Retry-After": "2",
  });
}

/**
 * Cosmos DB's refusal of a write that would take a logical partition past 20 GB (403, substatus
 * 1014: Azure Cosmos DB service quotas; "Diagnose and troubleshoot Azure Cosmos DB forbidden
 * exceptions"). A tenant is one logical partition per container, so this is the tenant's data
 * outgrowing a container: no retry helps, and it is no fault of the request.
 */
function partitionFull(error: unknown): boolean {
  if (cosmosStatus(error) !== 403) return false;
  const { substatus, headers } = error as { substatus?: unknown; headers?: Record<string, unknown> };
  return Number(substatus ?? headers?.["x-ms-substatus"]) === 1014;
}

function charge(ctx: CallContext, value: unknown) {
  const charged = (value as { requestCharge?: unknown } | undefined)?.requestCharge;
  if (typeof charged === "number" && Number.isFinite(charged)) ctx.meter.requestCharge += charged;
}

function chargeOf(error: unknown): number | undefined {
  const headers = (error as { headers?: Record<string, unknown> } | null)?.headers;
  const value = Number(headers?.["x-ms-request-charge"]);
  return Number.isFinite(value) ? value : undefined;
}

/** What a call ends with: its value, or an expected status the caller decides about. */
export type CallResult<T> =
  | { ok: true; value: T; retried: boolean }
  | { ok: false; status: number; retried: boolean };

/**
 * Runs one Cosmos DB call, retrying transient failures with jittered backoff until the request's
 * deadline, and metering calls and RU. Statuses in `expected` (404, 409, 412...) come back as
 * data; `retried` tells the caller that an earlier attempt may have succeeded unseen (a lost
 * response), so that a create meeting 409 or a conditional replace meeting 412 can check whether
 * the document is its own. Every call our store makes is safe to repeat in that sense. A tenant's
 * partition that is full is 507; anything else non-transient is rethrown as is (a bug, answered
 * 500 by the pipeline).
 */
export async function cosmosCall<T>(
  ctx: CallContext,
  run: () => Promise<T>,
  expected: readonly number[] = [],
): Promise<CallResult<T>> {
  let retried = false;
  for (let attempt = 0; ; attempt++) {
    ctx.meter.calls++;
    try {
      const value = await run();
      charge(ctx, value);
      return { ok: true, value, retried };
    } catch (error) {
      ctx.meter.requestCharge += chargeOf(error) ?? 0;
      const status = cosmosStatus(error);
      if (status !== undefined && expected.includes(status)) return { ok: false, status, retried };
      if (partitionFull(error)) {
        throw new ScimError(
          "insufficientStorage",
          "This tenant's data in one container has reached the 20 GB Cosmos DB allows one partition key value, so the database refused the write.",
        );
      }
      if (!transient(error)) throw error;
      const wait = Math.max(retryAfterMs(error) ?? 0, backoff(attempt));
      if (Date.now() + wait >= ctx.deadline) throw unavailable(error);
      retried = true;
      await sleep(wait);
    }
  }
}

/** `cosmosCall` for calls with no expected failure status: the value, or the mapped error. */
export async function cosmosValue<T>(ctx: CallContext, run: () => Promise<T>): Promise<T> {
  const result = await cosmosCall(ctx, run);
  if (!result.ok) throw new Error(`Unexpected Cosmos DB status ${result.status}`);
  return result.value;
}

/**
 * One metered attempt with no retry, for calls that have their own fallback (a transactional batch
 * whose operations are redone one by one when the batch as a whole fails).
 */
export async function cosmosAttempt<T>(ctx: CallContext, run: () => Promise<T>): Promise<T> {
  ctx.meter.calls++;
  try {
    const value = await run();
    charge(ctx, value);
    return value;
  } catch (error) {
    ctx.meter.requestCharge += chargeOf(error) ?? 0;
    throw error;
  }
}
