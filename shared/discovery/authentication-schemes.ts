import { type AuthenticationScheme, OAUTH_BEARER_TOKEN } from "./service-provider-config.js";

/**
 * The route of the OAuth 2.0 token endpoint. It sits beside the Tenant URL, not under it, so that
 * it answers in OAuth's protocol: `https://<host>/oauth2/token` next to `https://<host>/scim/v2`.
 */
export const TOKEN_ENDPOINT_PATH = "oauth2/token";

/**
 * The token endpoint URL for a Tenant URL: `.../scim/v2` becomes `.../oauth2/token`; a Tenant URL
 * of another shape (a proxy's `SCIM_BASE_URL`) keeps its origin.
 */
export function tokenEndpointUrl(tenantUrl: string): string {
  const trimmed = tenantUrl.replace(/\/+$/, "");
  if (/\/scim\/v2$/i.test(trimmed)) return `${trimmed.slice(0, -"scim/v2".length)}${TOKEN_ENDPOINT_PATH}`;
  return `${new URL(trimmed).origin}/${TOKEN_ENDPOINT_PATH}`;
}

/**
 * RFC 7643 §5 `authenticationSchemes`: every credential travels as `Authorization: Bearer`
 * (a Secret Token, an Entra-issued JWT, or an access token); the access tokens come from the
 * OAuth 2.0 client credentials grant (RFC 6749 §4.4) at the token endpoint named here.
 */
export function authenticationSchemes(tenantUrl: string): [AuthenticationScheme, AuthenticationScheme] {
  return [
    {
      ...OAUTH_BEARER_TOKEN,
      description:
        "Authorization: Bearer with a Secret Token, an Entra-issued JWT (Secret Token left blank), " +
        "or an access token from the OAuth 2.0 token endpoint",
    },
    {
      type: "oauth2",
      name: "OAuth 2.0 Client Credentials",
      description:
        `Access tokens from ${tokenEndpointUrl(tenantUrl)} (RFC 6749 §4.4): client secret by HTTP Basic ` +
        "or form fields, or an RFC 7523 client assertion (workload identity federation)",
      specUri: "https://www.rfc-editor.org/info/rfc6749",
    },
  ];
}
