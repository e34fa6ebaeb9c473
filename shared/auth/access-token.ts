import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, errors, SignJWT } from "jose";
import { type DerivedKey, deriveKeys, type SigningKey } from "./signing-keys.js";
import { type JwtVerification, verifyJwt } from "./verify-jwt.js";

/** The `iss` of the token endpoint's access tokens: how a bearer JWT is recognised as one of ours. */
export const ACCESS_TOKEN_ISSUER = "urn:scim-entra-functions:oauth2";
/** Their `aud`: the SCIM endpoint, and nothing else. */
export const ACCESS_TOKEN_AUDIENCE = "urn:scim-entra-functions:scim";
/** RFC 9068 §2.1 `typ`: keeps an access token from being taken for any other JWT this server signs. */
const ACCESS_TOKEN_TYPE = "at+jwt";
/** HKDF purpose: access tokens are MACed with a key no other use of SCIM_SIGNING_KEYS shares. */
const PURPOSE = "oauth2-access-token";
/** Instances of one deployment share a clock source; a minute covers their drift. */
const CLOCK_SKEW_SECONDS = 60;

export interface AccessTokenClaims {
  tenantId: string;
  clientId: string;
  /** What the client authenticated with: `secret:<id>` or `federated:<id>`; revoking it revokes the token. */
  credential: string;
  scope: string;
}

/**
 * Issues an access token (RFC 6749 §1.4) as a JWT (RFC 7519) MACed with HS256 under the key derived
 * from the signing (first) key of `SCIM_SIGNING_KEYS`, its id in the `kid` header so that keys can
 * be rotated.
 */
export async function mintAccessToken(
  keys: readonly SigningKey[],
  claims: AccessTokenClaims,
  lifetimeSeconds: number,
  now: Date = new Date(),
): Promise<string> {
  const [key] = deriveKeys(keys, PURPOSE) as [DerivedKey];
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ scim_tenant: claims.tenantId, cred: claims.credential, scope: claims.scope })
    .setProtectedHeader({ alg: "HS256", typ: ACCESS_TOKEN_TYPE, kid: key.kid })
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setSubject(claims.clientId)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetimeSeconds)
    .sign(key.key);
}

export type AccessTokenVerification =
  | { ok: true; claims: AccessTokenClaims }
  | Extract<JwtVerification, { ok: false }>;

/**
 * Verifies an access token of this server (RFC 7519 §7.2) with any configured key (selected by
 * `kid`): HS256 only, our issuer, audience and `typ`, not expired. No I/O: whether its client,
 * credential and tenant are still valid is the caller's (cached) check.
 */
export async function verifyAccessToken(
  keys: readonly SigningKey[],
  token: string,
  now: Date = new Date(),
): Promise<AccessTokenVerification> {
  const derived = deriveKeys(keys, PURPOSE);
  const verified = await verifyJwt(
    token,
    async () => {
      const { kid } = decodeProtectedHeader(token);
      const key = derived.find((k) => k.kid === kid);
      if (!key) throw new errors.JWKSNoMatchingKey();
      return key.key;
    },
    {
      algorithms: ["HS256"],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      typ: ACCESS_TOKEN_TYPE,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
      requiredClaims: ["exp", "iat", "sub", "jti", "scim_tenant", "cred"],
    },
  );
  if (!verified.ok) return verified;
  const { sub, scim_tenant, cred, scope } = verified.payload;
  if (typeof sub !== "string" || typeof scim_tenant !== "string" || typeof cred !== "string") {
    return { ok: false, reason: "missing_claim" };
  }
  return {
    ok: true,
    claims: {
      tenantId: scim_tenant,
      clientId: sub,
      credential: cred,
      scope: typeof scope === "string" ? scope : "",
    },
  };
}
