import { createHash, timingSafeEqual } from "node:crypto";
import { ScimError } from "../errors/scim-error.js";

export const WWW_AUTHENTICATE = { "WWW-Authenticate": 'Bearer realm="scim"' };

/**
 * Checks `Authorization: Bearer <token>` (RFC 6750 §2.1) against the configured Secret Token
 * digests. Comparing fixed-length SHA-256 digests in constant time leaks neither the token nor its
 * length, and lets the app hold only hashes (several, so a token can be rotated without downtime).
 */
export function verifyBearerToken(authorization: string | undefined, digests: readonly Buffer[]): void {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) {
    throw new ScimError(
      "unauthorized",
      "A bearer token is required (Authorization: Bearer <token>).",
      WWW_AUTHENTICATE,
    );
  }
  const presented = createHash("sha256").update(match[1], "utf8").digest();
  let ok = false;
  for (const digest of digests) ok = timingSafeEqual(presented, digest) || ok;
  if (!ok) {
    throw new ScimError("unauthorized", "The bearer token is not valid.", {
      "WWW-Authenticate": 'Bearer realm="scim", error="invalid_token"',
    });
  }
}
