/** Must equal host.json `extensions.http.routePrefix` (a test checks it): the Tenant URL path. */
export const ROUTE_PREFIX = "scim/v2";
