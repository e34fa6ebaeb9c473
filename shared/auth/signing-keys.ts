import { hkdfSync, randomBytes } from "node:crypto";

/** One entry of `SCIM_SIGNING_KEYS`: a key id and at least 32 bytes of secret key material. */
export interface SigningKey {
  kid: string;
  secret: Buffer;
}

/** A key derived for one purpose, with the id of the configured key it came from. */
export interface DerivedKey {
  kid: string;
  key: Buffer;
}

const KID = /^[A-Za-z0-9._-]{1,32}$/;
const MIN_SECRET_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** HKDF salt: fixed, so that the same configuration derives the same keys on every instance. */
const SALT = Buffer.from("scim-entra-functions/signing-keys/v1", "utf8");

export type SigningKeysResult = { ok: true; keys: SigningKey[] } | { ok: false; message: string };

/**
 * Parses `kid:secret[,kid:secret...]` (the secret in base64 or base64url, at least 32 bytes). The
 * first key signs; all of them verify, so a key can be rotated in without invalidating what the
 * previous one signed.
 */
export function parseSigningKeys(text: string): SigningKeysResult {
  const entries = text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return { ok: false, message: "must list at least one kid:secret" };
  const keys: SigningKey[] = [];
  for (const entry of entries) {
    const colon = entry.indexOf(":");
    const kid = colon === -1 ? "" : entry.slice(0, colon);
    const encoded = colon === -1 ? "" : entry.slice(colon + 1);
    if (!KID.test(kid)) {
      return { ok: false, message: "each entry is kid:secret, kid being 1-32 of A-Z a-z 0-9 . _ -" };
    }
    if (keys.some((k) => k.kid === kid)) return { ok: false, message: `key id '${kid}' appears twice` };
    const secret = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
    if (secret.length < MIN_SECRET_BYTES) {
      return {
        ok: false,
        message: `key '${kid}' must be at least ${MIN_SECRET_BYTES} bytes, base64 or base64url (openssl rand -base64 32)`,
      };
    }
    keys.push({ kid, secret });
  }
  return { ok: true, keys };
}

/** A fresh key for one process: only for the local, single-process embedded default. */
export function randomSigningKeys(): SigningKey[] {
  return [{ kid: "local", secret: randomBytes(32) }];
}

const derive = (key: SigningKey, purpose: string): DerivedKey => ({
  kid: key.kid,
  key: Buffer.from(hkdfSync("sha256", key.secret, SALT, Buffer.from(purpose, "utf8"), 32)),
});

/**
 * The key for one purpose (e.g. `"oauth2-access-token"`, `"cursor"`), derived from the signing
 * (first) configured key with HKDF-SHA256 (RFC 5869) and the purpose as `info`: a MAC made for one
 * purpose never verifies for another, and the configured secret itself is never used directly.
 */
export function deriveKey(keys: readonly SigningKey[], purpose: string): DerivedKey {
  const primary = keys[0];
  if (!primary) throw new Error("No signing key is configured.");
  return derive(primary, purpose);
}

/** The purpose's keys derived from every configured key, the signing key first (for verification). */
export function deriveKeys(keys: readonly SigningKey[], purpose: string): DerivedKey[] {
  return keys.map((key) => derive(key, purpose));
}
