/** The `meta` of a discovery document: no created/lastModified/version, because these documents are derived. */
export interface DiscoveryMeta {
  resourceType: "Schema" | "ResourceType" | "ServiceProviderConfig";
  location: string;
}

/**
 * Builds `meta` for a discovery resource (RFC 7643 §3.1, §8.5-8.7). `baseUrl` is the SCIM base such
 * as `https://app.example/scim/v2`; a trailing slash is dropped so locations never hold `//`.
 */
export function discoveryMeta(
  resourceType: DiscoveryMeta["resourceType"],
  baseUrl: string,
  path: string,
): DiscoveryMeta {
  return { resourceType, location: `${baseUrl.replace(/\/+$/, "")}/${path}` };
}
