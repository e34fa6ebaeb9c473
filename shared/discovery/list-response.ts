import type { ScimObject } from "../schema/scim-json.js";

export const LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE];
  totalResults: number;
  itemsPerPage: number;
  startIndex: 1;
  Resources: T[];
}

/**
 * Wraps discovery documents in one unpaged ListResponse (RFC 7644 §4, §3.4.2). Discovery lists are
 * small and fixed, and RFC 7644 §4 says filtering, sorting and pagination parameters "SHALL be
 * ignored" on these endpoints, so the whole set is always one page starting at 1. A `filter` is the
 * one exception, answered with 403 before this is called: see `discoveryQueryError`.
 */
export function listResponse<T>(resources: readonly T[]): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: [...resources],
  };
}

/**
 * One page of a query's ListResponse (RFC 7644 §3.4.2): `totalResults` over all pages, this page's
 * items. `startIndex` is left out of a page read by cursor (RFC 9865 §2 answers with `nextCursor`
 * instead): a cursor records no index, and `1` would put every later page at the start.
 */
export function pagedListResponse(
  totalResults: number,
  startIndex: number | undefined,
  resources: ScimObject[],
): ScimObject {
  return {
    schemas: [LIST_RESPONSE],
    totalResults,
    itemsPerPage: resources.length,
    ...(startIndex !== undefined ? { startIndex } : {}),
    Resources: resources,
  };
}
