import { createHash } from "node:crypto";
import { ScimError } from "../errors/scim-error.js";

/**
 * RFC 9865 cursors wrap the Cosmos continuation token with a digest of the query it belongs to, so
 * a cursor replayed against another filter or sort is rejected (invalidCursor) instead of silently
 * returning pages of the wrong query.
 */
export function queryDigest(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16);
}

export function encodeCursor(digest: string, continuation: string): string {
  return Buffer.from(JSON.stringify([digest, continuation]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, digest: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || typeof decoded[1] !== "string") {
    throw new ScimError("invalidCursor", "The cursor is not one this server issued.");
  }
  if (decoded[0] !== digest) {
    throw new ScimError(
      "invalidCursor",
      "The cursor belongs to a different query (filter, sortBy or sortOrder changed).",
    );
  }
  return decoded[1];
}
