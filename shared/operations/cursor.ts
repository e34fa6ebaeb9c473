import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ScimError } from "../errors/scim-error.js";

/**
 * RFC 9865 cursors: the Cosmos continuation token, bound to the tenant and the query it belongs to
 * by an HMAC-SHA256 under the server's cursor key. A cursor that was tampered with, replayed against
 * another filter or sort, or presented by another tenant fails the MAC: 400 invalidCursor, never a
 * continuation token Cosmos would have to refuse (or, worse, honour for the wrong query).
 */

/** A digest of what a query is (resource type, WHERE, parameters, ORDER BY): what its cursors resume. */
export function queryDigest(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);
}

const mac = (key: Buffer, tenantId: string, digest: string, continuation: string) =>
  createHmac("sha256", key).update(`${tenantId}\n${digest}\n${continuation}`).digest().subarray(0, 16);

export function encodeCursor(
  keys: readonly Buffer[],
  tenantId: string,
  digest: string,
  continuation: string,
): string {
  const tag = mac(keys[0] as Buffer, tenantId, digest, continuation).toString("base64url");
  return Buffer.from(JSON.stringify([continuation, tag]), "utf8").toString("base64url");
}

/** The continuation token a cursor carries, if this server issued it for this tenant and query. */
export function decodeCursor(
  keys: readonly Buffer[],
  tenantId: string,
  digest: string,
  cursor: string,
): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const [continuation, tag] = Array.isArray(decoded) ? decoded : [];
  if (typeof continuation === "string" && typeof tag === "string") {
    const given = Buffer.from(tag, "base64url");
    for (const key of keys) {
      const expected = mac(key, tenantId, digest, continuation);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return continuation;
    }
  }
  throw badCursor();
}

/**
 * RFC 9865 §4: a cursor this server did not issue for this tenant and query (its MAC fails), or
 * whose continuation token Cosmos DB refuses (expired, or from another index state).
 */
export const badCursor = () =>
  new ScimError(
    "invalidCursor",
    "The cursor was not issued by this server for this query (filter, sortBy and sortOrder must not change), or has expired.",
  );
