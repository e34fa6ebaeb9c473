import {
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
} from "jose";

/** Why a JWT was refused (the reason code of the log line; never shown to the client). */
export type JwtRejection =
  | "malformed"
  | "alg_not_allowed"
  | "missing_kid"
  | "unknown_kid"
  | "bad_signature"
  | "wrong_issuer"
  | "wrong_audience"
  | "wrong_subject"
  | "wrong_type"
  | "expired"
  | "not_yet_valid"
  | "missing_claim";

export type JwtVerification = { ok: true; payload: JWTPayload } | { ok: false; reason: JwtRejection };

/** At most 5 minutes of clock skew between Entra and this server (`exp`, `nbf`, `iat`). */
export const ENTRA_CLOCK_SKEW_SECONDS = 300;

const CLAIM_REASONS: Record<string, JwtRejection> = {
  iss: "wrong_issuer",
  aud: "wrong_audience",
  sub: "wrong_subject",
  nbf: "not_yet_valid",
  typ: "wrong_type",
};

/**
 * Maps a jose error to a rejection. jose reports some malformed input as a TypeError, which is the
 * token's fault too; anything else (the key source's 503 ScimError, a bug) is rethrown.
 */
export function jwtRejection(error: unknown): JwtRejection {
  if (error instanceof TypeError) return "malformed";
  if (!(error instanceof errors.JOSEError)) throw error;
  switch (error.code) {
    case "ERR_JWT_EXPIRED":
      return "expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const { claim, reason } = error as errors.JWTClaimValidationFailed;
      return reason === "missing" ? "missing_claim" : (CLAIM_REASONS[claim] ?? "missing_claim");
    }
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "alg_not_allowed";
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return "unknown_kid";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "bad_signature";
    default:
      return "malformed";
  }
}

/**
 * Verifies a compact JWS JWT (RFC 7519 §7.2, RFC 7515 §5.2) with jose: the algorithm must be in
 * `options.algorithms` (so `none` and an HS256 token "signed" with a public RSA key never reach a
 * key), the header must name its key (`kid`, RFC 7515 §4.1.4), and the claims must pass `options`.
 * A failure is a rejection value; errors of the key source (503) propagate.
 */
export async function verifyJwt(
  token: string,
  getKey: JWTVerifyGetKey,
  options: JWTVerifyOptions & { algorithms: string[] },
): Promise<JwtVerification> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    // jose reports an unparseable header as a TypeError, not a JOSEError.
    return { ok: false, reason: "malformed" };
  }
  try {
    if (typeof header.alg !== "string" || !options.algorithms.includes(header.alg)) {
      return { ok: false, reason: "alg_not_allowed" };
    }
    if (typeof header.kid !== "string" || header.kid === "") return { ok: false, reason: "missing_kid" };
    const { payload } = await jwtVerify(token, getKey, options);
    return { ok: true, payload };
  } catch (error) {
    return { ok: false, reason: jwtRejection(error) };
  }
}
