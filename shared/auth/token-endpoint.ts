import { createHash, timingSafeEqual } from "node:crypto";
import { decodeJwt } from "jose";
import type { Config } from "../config.js";
import {
  ASSERTIONS_PARTITION,
  type AssertionRecord,
  activeSecrets,
  type ClientSecret,
  lookupId,
  type OAuthClient,
  sha256Hex,
  validClient,
} from "../tenants/tenant-document.js";
import { mintAccessToken } from "./access-token.js";
import type { CredentialDirectory } from "./credential-directory.js";
import type { EntraKeySource } from "./entra-keys.js";
import { ENTRA_CLOCK_SKEW_SECONDS, verifyJwt } from "./verify-jwt.js";

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** The RFC 6749 §5.2 error codes this endpoint answers with. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "unsupported_grant_type"
  | "invalid_scope";

/** How the client authenticated (the names of RFC 7591 §2 `token_endpoint_auth_method`). */
export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt";

export interface TokenRequest {
  contentType: string | undefined;
  /** The `Content-Encoding` header, if any: bodies are read as sent, never decompressed. */
  contentEncoding?: string | undefined;
  authorization: string | undefined;
  body: string;
}

export type TokenOutcome =
  | {
      ok: true;
      accessToken: string;
      expiresIn: number;
      scope: string;
      tenantId: string;
      clientId: string;
      method: ClientAuthMethod;
    }
  | {
      ok: false;
      error: OAuthErrorCode;
      description: string;
      /** Logged, never sent: why the client was refused. */
      reason: string;
      clientId?: string;
    };

export interface TokenEndpointDeps {
  config: Config;
  directory: CredentialDirectory;
  /** Keys and issuer template of Entra's v2 tokens (workload identity federation assertions). */
  assertionKeys: EntraKeySource;
  /** Stores a replay record; `replayed` when the same `jti` was already recorded (a 409). */
  recordAssertion(record: AssertionRecord): Promise<"recorded" | "replayed">;
  now?: () => Date;
}

type Presented =
  | { method: "client_secret_basic" | "client_secret_post"; clientId: string; secret: string }
  | { method: "private_key_jwt"; assertion: string; clientId: string | undefined };

type Failure = Extract<TokenOutcome, { ok: false }>;
type Authenticated = {
  ok: true;
  tenantId: string;
  clientId: string;
  credential: string;
  /** When the credential expires (a client secret's `expires`), if it does. */
  expires?: string;
};

const fail = (error: OAuthErrorCode, description: string, reason: string, clientId?: string): Failure => ({
  ok: false,
  error,
  description,
  reason,
  ...(clientId !== undefined ? { clientId } : {}),
});

/** Every failed client authentication reads the same, whatever the reason (which is only logged). */
const clientFailure = (reason: string, clientId?: string) =>
  fail("invalid_client", "Client authentication failed.", reason, clientId);

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64; `+` is a space. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

function basicCredentials(
  authorization: string | undefined,
): { clientId: string; secret: string } | "absent" | "malformed" {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization ?? "");
  if (!authorization || !/^Basic\b/i.test(authorization)) return "absent";
  if (!match?.[1]) return "malformed";
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return "malformed";
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return clientId && secret ? { clientId, secret } : "malformed";
}

/** RFC 6749 §3.1, §3.2: form parameters, each at most once; an empty value counts as absent. */
function readForm(request: TokenRequest): Map<string, string> | Failure {
  const mediaType = request.contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded") {
    return fail(
      "invalid_request",
      "The token request must be application/x-www-form-urlencoded (RFC 6749 section 4.4.2).",
      "content_type",
    );
  }
  // A compressed form would read as no parameters at all ("grant_type is required"), hiding why.
  const coding = request.contentEncoding?.trim().toLowerCase();
  if (coding && coding !== "identity") {
    return fail(
      "invalid_request",
      `Content-Encoding '${coding}' is not supported: send the form uncompressed.`,
      "content_encoding",
    );
  }
  const form = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(request.body)) {
    if (form.has(name)) {
      return fail("invalid_request", `Parameter '${name}' appears more than once.`, "duplicate_parameter");
    }
    form.set(name, value);
  }
  for (const [name, value] of form) if (value === "") form.delete(name);
  return form;
}

/** Which client authentication the request uses; more than one is refused (RFC 6749 §2.3). */
function presented(form: Map<string, string>, authorization: string | undefined): Presented | Failure {
  const basic = basicCredentials(authorization);
  const formId = form.get("client_id");
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  const assertionType = form.get("client_assertion_type");
  const methods = [
    basic !== "absent",
    secret !== undefined,
    assertion !== undefined || assertionType !== undefined,
  ];
  if (methods.filter(Boolean).length > 1) {
    return fail("invalid_request", "Use exactly one client authentication method.", "several_methods");
  }
  if (basic === "malformed") return clientFailure("malformed_basic");
  if (basic !== "absent") {
    if (formId !== undefined && formId !== basic.clientId) {
      return fail(
        "invalid_request",
        "client_id does not match the Authorization header.",
        "client_id_mismatch",
      );
    }
    return { method: "client_secret_basic", ...basic };
  }
  if (secret !== undefined) {
    if (formId === undefined)
      return fail("invalid_request", "client_id is required with client_secret.", "no_client_id");
    return { method: "client_secret_post", clientId: formId, secret };
  }
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== CLIENT_ASSERTION_TYPE) {
      return fail(
        "invalid_request",
        `client_assertion_type must be ${CLIENT_ASSERTION_TYPE} (RFC 7523 section 2.2).`,
        "assertion_type",
      );
    }
    if (assertion === undefined)
      return fail("invalid_request", "client_assertion is missing.", "no_assertion");
    return { method: "private_key_jwt", assertion, clientId: formId };
  }
  return clientFailure("no_client_authentication", formId);
}

/** RFC 6749 §3.3: the requested scopes must all be offered; none requested grants them all. */
function grantedScope(form: Map<string, string>, offered: readonly string[]): string | Failure {
  const requested = form.get("scope")?.split(" ").filter(Boolean) ?? [];
  const unknown = requested.filter((s) => !offered.includes(s));
  if (unknown.length > 0) {
    return fail(
      "invalid_scope",
      `Unknown scope: ${unknown.join(" ")}. Offered: ${offered.join(" ")}.`,
      "scope",
    );
  }
  // A scope is a set (§3.3): "scim scim" is granted as "scim".
  return [...new Set(requested.length > 0 ? requested : offered)].join(" ");
}

function secretMatches(client: OAuthClient, secret: string, now: Date) {
  const presentedDigest = createHash("sha256").update(secret, "utf8").digest();
  let match: ClientSecret | undefined;
  for (const s of activeSecrets(client, now)) {
    if (timingSafeEqual(presentedDigest, Buffer.from(s.sha256, "hex"))) match = s;
  }
  return match;
}

async function authenticateSecret(
  credentials: { clientId: string; secret: string },
  deps: TokenEndpointDeps,
  now: Date,
): Promise<Authenticated | Failure> {
  const { clientId, secret } = credentials;
  const found = await deps.directory.resolve(lookupId.client(clientId));
  if (!found) return clientFailure("unknown_client", clientId);
  const client = validClient(found.tenant, clientId);
  if (!client.ok) return clientFailure(client.reason, clientId);
  let matched = secretMatches(client.value, secret, now);
  if (!matched) {
    // A secret added a moment ago is not in a tenant document cached before it.
    const fresh = validClient(await deps.directory.freshTenant(found.lookup.owner), clientId);
    if (!fresh.ok) return clientFailure(fresh.reason, clientId);
    matched = secretMatches(fresh.value, secret, now);
  }
  if (!matched) return clientFailure("bad_secret", clientId);
  return {
    ok: true,
    tenantId: found.lookup.owner,
    clientId,
    credential: `secret:${matched.id}`,
    ...(matched.expires !== undefined ? { expires: matched.expires } : {}),
  };
}

/**
 * The longest an assertion may still be valid for: Entra's access tokens live at most 28 hours
 * (a CAE-capable token; the default is 60 to 90 minutes), so two days leaves room for every one.
 */
export const MAX_ASSERTION_LIFETIME_SECONDS = 2 * 24 * 3600;

/**
 * RFC 7523 §2.2, §3: an Entra-issued assertion (workload identity federation) identifies the client
 * by its issuer and subject; it must verify with Entra's v2 keys, carry the federation's audience,
 * be unexpired (5 minutes of skew) but not valid for more than two days, and not reuse a `jti`
 * (recorded until it expires).
 */
async function authenticateAssertion(
  assertion: string,
  formClientId: string | undefined,
  deps: TokenEndpointDeps,
  now: Date,
): Promise<Authenticated | Failure> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    return clientFailure("malformed_assertion", formClientId);
  }
  const { iss, sub } = claims;
  if (typeof iss !== "string" || typeof sub !== "string")
    return clientFailure("malformed_assertion", formClientId);
  const found = await deps.directory.resolve(lookupId.federated(iss, sub));
  const clientId = found?.lookup.clientId;
  if (!found || !clientId) return clientFailure("unknown_federation", formClientId);
  if (formClientId !== undefined && formClientId !== clientId)
    return clientFailure("client_id_mismatch", formClientId);
  const client = validClient(found.tenant, clientId);
  if (!client.ok) return clientFailure(client.reason, clientId);
  const federation = client.value.federated.find((f) => f.issuer === iss && f.subject === sub);
  if (!federation) return clientFailure("revoked", clientId);
  // Only Entra's own issuers are checked against Entra's keys.
  if (!(await deps.assertionKeys.tenantOf(federation.issuer))) return clientFailure("wrong_issuer", clientId);
  const verified = await verifyJwt(assertion, deps.assertionKeys.getKey, {
    algorithms: ["RS256"],
    issuer: federation.issuer,
    subject: federation.subject,
    audience: federation.audience,
    clockTolerance: ENTRA_CLOCK_SKEW_SECONDS,
    currentDate: now,
    requiredClaims: ["exp", "jti"],
  });
  if (!verified.ok) return clientFailure(verified.reason, clientId);
  const { jti, exp } = verified.payload;
  if (typeof jti !== "string" || typeof exp !== "number") return clientFailure("missing_claim", clientId);
  // RFC 7523 §3 lets a server refuse an `exp` unreasonably far ahead; here it must: the `jti` record
  // lives until `exp`, and a lifetime past Cosmos DB's 32-bit `ttl` (or JavaScript's dates) failed the
  // write (a 500) instead of refusing the client.
  const lifetime = exp - now.getTime() / 1000;
  if (lifetime > MAX_ASSERTION_LIFETIME_SECONDS) return clientFailure("exp_too_far", clientId);
  const remaining = Math.max(1, Math.ceil(lifetime) + ENTRA_CLOCK_SKEW_SECONDS);
  const replay = await deps.recordAssertion({
    id: `jti:${sha256Hex(`${iss}\n${jti}`)}`,
    tenantId: ASSERTIONS_PARTITION,
    type: "assertion",
    ttl: remaining,
    expires: new Date(now.getTime() + remaining * 1000).toISOString(),
  });
  if (replay === "replayed") return clientFailure("replayed_jti", clientId);
  return { ok: true, tenantId: found.lookup.owner, clientId, credential: `federated:${federation.id}` };
}

/**
 * The token endpoint's logic (RFC 6749 §3.2, §4.4 client credentials grant): checks the form, the
 * grant type, authenticates the client (HTTP Basic, form fields, or an RFC 7523 client assertion),
 * checks the scope, and issues an access token for the client's tenant. Errors are data (§5.2).
 */
export async function issueToken(request: TokenRequest, deps: TokenEndpointDeps): Promise<TokenOutcome> {
  const now = deps.now?.() ?? new Date();
  const form = readForm(request);
  if (!(form instanceof Map)) return form;
  const grantType = form.get("grant_type");
  if (grantType === undefined) return fail("invalid_request", "grant_type is required.", "no_grant_type");
  if (grantType !== "client_credentials") {
    return fail("unsupported_grant_type", "Only the client_credentials grant is supported.", "grant_type");
  }
  const client = presented(form, request.authorization);
  if ("ok" in client) return client;
  const authenticated =
    client.method === "private_key_jwt"
      ? await authenticateAssertion(client.assertion, client.clientId, deps, now)
      : await authenticateSecret(client, deps, now);
  if (!authenticated.ok) return authenticated;
  const scope = grantedScope(form, deps.config.auth.oauthScopes);
  if (typeof scope !== "string") return { ...scope, clientId: authenticated.clientId };
  const { tenantId, clientId, credential, expires } = authenticated;
  // The token stops with the secret it was issued for (hasClientCredential), so it says so (§5.1).
  const lifetime = Math.min(
    deps.config.auth.accessTokenSeconds,
    expires === undefined
      ? Number.POSITIVE_INFINITY
      : Math.ceil((Date.parse(expires) - now.getTime()) / 1000),
  );
  return {
    ok: true,
    accessToken: await mintAccessToken(
      deps.config.signingKeys,
      { tenantId, clientId, credential, scope },
      lifetime,
      now,
    ),
    expiresIn: lifetime,
    scope,
    tenantId,
    clientId,
    method: client.method,
  };
}

export interface OAuthResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, string | number>;
}

/**
 * RFC 6749 §5.2: an `error_description` holds only %x20-21 / %x23-5B / %x5D-7E (printable ASCII but
 * `"` and `\`). A parameter name or scope echoed from the request may hold anything, so every other
 * character becomes `?`.
 */
export const errorDescription = (text: string): string =>
  text.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/gu, "?");

/** RFC 6749 §5.1: token responses are never cached. */
export const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

/** RFC 6749 §5.1 (success) or §5.2 (error: 400, or 401 with WWW-Authenticate for invalid_client). */
export function tokenResponse(outcome: TokenOutcome): OAuthResponse {
  const headers: Record<string, string> = { "Content-Type": "application/json;charset=UTF-8", ...NO_STORE };
  if (outcome.ok) {
    return {
      status: 200,
      headers,
      body: {
        access_token: outcome.accessToken,
        token_type: "Bearer",
        expires_in: outcome.expiresIn,
        scope: outcome.scope,
      },
    };
  }
  if (outcome.error === "invalid_client")
    headers["WWW-Authenticate"] = 'Basic realm="oauth2", charset="UTF-8"';
  return {
    status: outcome.error === "invalid_client" ? 401 : 400,
    headers,
    body: { error: outcome.error, error_description: errorDescription(outcome.description) },
  };
}
