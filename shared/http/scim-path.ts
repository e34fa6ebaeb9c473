/**
 * The Tenant URL path: every SCIM function's route starts with it, so the Tenant URL is
 * `https://<host>/scim/v2`. host.json sets `routePrefix` to "" (a test checks it) so that endpoints
 * outside the Tenant URL, such as the OAuth token endpoint, answer in their own protocol.
 */
export const SCIM_PATH = "scim/v2";

/** The route of a SCIM function: `scimRoute("Users/{id}")` is `scim/v2/Users/{id}`. */
export const scimRoute = (path: string): string => `${SCIM_PATH}/${path}`;
