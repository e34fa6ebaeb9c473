import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { fingerprint } from "../auth/authenticate.js";
import { errorDescription, NO_STORE, type OAuthResponse, tokenResponse } from "../auth/token-endpoint.js";
import { ScimError } from "../errors/scim-error.js";
import { getServices } from "../services.js";
import "./http-streams.js";
import { readLimited } from "./read-body.js";

/** A token request is a few form fields and at most one assertion (about 2 KB); 64 KiB is ample. */
const MAX_BODY_BYTES = 65_536;

const json = (response: OAuthResponse): HttpResponseInit => ({
  status: response.status,
  headers: response.headers,
  body: JSON.stringify(response.body),
});

const oauthError = (
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
) =>
  json({
    status,
    headers: { "Content-Type": "application/json;charset=UTF-8", ...NO_STORE, ...headers },
    body: { error, error_description: errorDescription(description) },
  });

/** The shape of the client ids this server gives OAuth clients (`randomUUID`, tenant-registry.ts). */
const ISSUED_CLIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A refused request's client id for the log: as sent when it has the shape of the ids this server
 * issues, else only its fingerprint (the first 8 hex characters of its SHA-256, as a Secret Token's
 * log line has) and its length. Anything else names no client and may be a secret: with Entra's
 * Client ID and Client Secret fields swapped, the client_id is the client secret, which the log
 * repeated in clear (Application Insights keeps it, readable by more people than the vault). Its
 * fingerprint is that secret's id (`client list`), so the operator can still tell what was sent.
 * Hex digits only: a line break or a 64 KB value cannot reach the line either.
 */
function clientIdForLog(clientId: string): string {
  if (ISSUED_CLIENT_ID.test(clientId)) return clientId;
  return `fingerprint:${fingerprint(clientId)} (${clientId.length} characters)`;
}

/**
 * The OAuth 2.0 token endpoint (RFC 6749 §3.2) outside the Tenant URL: it answers in OAuth's
 * protocol (JSON errors of §5.2), not SCIM's. It adapts the Azure Functions objects to
 * `issueToken` and back, logs why a client was refused (never a secret, nor a client id that could
 * be one), and maps a key source or database that cannot be reached to 503 with Retry-After (429,
 * with Cosmos DB's wait, while it throttles).
 */
export function tokenHandler(): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      const services = await getServices();
      // Read no further than the limit (nothing when Content-Length declares more); a body over
      // it, or cut short by a client that hung up, is the client's error.
      let bytes: Buffer;
      try {
        bytes = await readLimited(
          request.body,
          MAX_BODY_BYTES,
          request.headers.get("content-length") ?? undefined,
        );
      } catch (error) {
        if (!(error instanceof ScimError) || error.status >= 500) throw error;
        return oauthError(400, "invalid_request", error.detail);
      }
      const outcome = await services.issueToken({
        contentType: request.headers.get("content-type") ?? undefined,
        contentEncoding: request.headers.get("content-encoding") ?? undefined,
        authorization: request.headers.get("authorization") ?? undefined,
        body: new TextDecoder("utf-8").decode(bytes),
      });
      if (outcome.ok) {
        context.info(
          `Token issued: tenant=${outcome.tenantId} client=${outcome.clientId} method=${outcome.method}`,
        );
      } else {
        context.warn(
          `Token request refused: error=${outcome.error} reason=${outcome.reason} client=${outcome.clientId === undefined ? "-" : clientIdForLog(outcome.clientId)}`,
        );
      }
      return json(tokenResponse(outcome));
    } catch (error) {
      // Cosmos DB still throttling past the budget is a 429 with its own wait, as on the Tenant URL:
      // it is as temporary as an outage, and the client retries after Retry-After.
      if (error instanceof ScimError && (error.status === 503 || error.status === 429)) {
        context.warn(`Token endpoint unavailable: ${error.detail}`);
        return oauthError(error.status, "temporarily_unavailable", error.detail, { ...error.headers });
      }
      context.error(`Unexpected error in invocation ${context.invocationId}`, error);
      return oauthError(
        500,
        "server_error",
        `An unexpected error occurred. Reference: ${context.invocationId}.`,
      );
    }
  };
}
