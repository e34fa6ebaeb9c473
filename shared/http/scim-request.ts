/** The request as operations see it: no runtime objects (the Azure and local hosts both adapt to it). */
export interface ScimRequest {
  method: string;
  url: URL;
  header(name: string): string | undefined;
  params: Readonly<Record<string, string>>;
  /** Parsed JSON body (undefined for bodiless requests); size and media type already checked. */
  body: unknown;
  /** The SCIM base URL (Tenant URL) responses link to, e.g. https://app.azurewebsites.net/scim/v2. */
  baseUrl: string;
}
