import { type DiscoveryMeta, discoveryMeta } from "./discovery-meta.js";

export const SERVICE_PROVIDER_CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/** An RFC 7643 §5 `authenticationSchemes` entry. */
export interface AuthenticationScheme {
  type: "oauthbearertoken" | "oauth" | "oauth2" | "httpbasic" | "httpdigest";
  name: string;
  description: string;
  specUri?: string;
  documentationUri?: string;
  primary?: boolean;
}

/**
 * Every credential this server accepts (shared secret, Entra-issued JWT, token-endpoint access token)
 * travels as `Authorization: Bearer` (RFC 6750), so one scheme describes them all.
 */
export const OAUTH_BEARER_TOKEN: AuthenticationScheme = {
  type: "oauthbearertoken",
  name: "OAuth Bearer Token",
  description: "Authentication scheme using the OAuth Bearer Token Standard",
  specUri: "https://www.rfc-editor.org/info/rfc6750",
  primary: true,
};

/** RFC 9865 §4 `pagination`: `cursor` and `index` are required, the rest optional. */
export interface PaginationCapabilities {
  cursor: boolean;
  index: boolean;
  defaultPaginationMethod?: "cursor" | "index";
  defaultPageSize?: number;
  maxPageSize?: number;
  /** Seconds. */
  cursorTimeout?: number;
}

/**
 * What this server can do, derived by the caller from configuration. The literal types pin what the
 * code implements whatever the configuration says: PATCH, bulk and ETags always, password change
 * never (there is no such endpoint), so the document cannot advertise a feature that would 501.
 */
export interface ServerCapabilities {
  patch: true;
  bulk: { supported: true; maxOperations: number; maxPayloadSize: number };
  filter: { supported: true; maxResults: number };
  changePassword: false;
  sort: boolean;
  etag: true;
  pagination?: PaginationCapabilities;
  authenticationSchemes: readonly [AuthenticationScheme, ...AuthenticationScheme[]];
  documentationUri?: string;
}

export interface ServiceProviderConfigDocument {
  schemas: [typeof SERVICE_PROVIDER_CONFIG_SCHEMA];
  documentationUri?: string;
  patch: { supported: boolean };
  bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  filter: { supported: boolean; maxResults: number };
  changePassword: { supported: boolean };
  sort: { supported: boolean };
  etag: { supported: boolean };
  pagination?: PaginationCapabilities;
  authenticationSchemes: AuthenticationScheme[];
  meta: DiscoveryMeta;
}

/** Copies only the keys that hold a value: Entra's deserializer fails on explicit nulls. */
function present<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** Renders the server's capabilities as the `/ServiceProviderConfig` resource (RFC 7643 §5, §8.5; RFC 9865 §4). */
export function serviceProviderConfig(
  capabilities: ServerCapabilities,
  baseUrl: string,
): ServiceProviderConfigDocument {
  const { documentationUri, pagination } = capabilities;
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(documentationUri !== undefined ? { documentationUri } : {}),
    patch: { supported: capabilities.patch },
    bulk: { ...capabilities.bulk },
    filter: { ...capabilities.filter },
    changePassword: { supported: capabilities.changePassword },
    sort: { supported: capabilities.sort },
    etag: { supported: capabilities.etag },
    ...(pagination ? { pagination: present(pagination) } : {}),
    authenticationSchemes: capabilities.authenticationSchemes.map(present),
    meta: discoveryMeta("ServiceProviderConfig", baseUrl, "ServiceProviderConfig"),
  };
}
