import { LIST_RESPONSE } from "../discovery/list-response.js";
import { filterToSql } from "../filter/compile-filter.js";
import { membershipFilter } from "../membership/membership-filter.js";
import { parseProjection, projectResource } from "../schema/projection.js";
import { renderResource } from "../schema/render-resource.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/documents.js";
import type { QuerySpec, ResourceStore } from "../store/resource-store.js";
import { decodeCursor, encodeCursor, queryDigest } from "./cursor.js";
import { type ScimRequest, type Scope, scimResponse } from "./operation.js";
import type { QueryParams } from "./query-params.js";
import { sortExpression } from "./sort-expression.js";

/** Cosmos pages are capped at this many items per round trip while skipping towards startIndex. */
const PAGE_CAP = 1000;

interface Page {
  items: StoredResource[];
  next: string | undefined;
}

/** Index paging without OFFSET (absent in the emulator; O(offset) RU in Cosmos anyway): skip through pages. */
async function pageByIndex(store: ResourceStore, spec: QuerySpec, skip: number, count: number) {
  const items: StoredResource[] = [];
  let continuation: string | undefined;
  let toSkip = skip;
  do {
    const page = await store.query({
      ...spec,
      maxItemCount: Math.min(PAGE_CAP, toSkip + count - items.length),
      ...(continuation ? { continuation } : {}),
    });
    for (const item of page.items) {
      if (toSkip > 0) toSkip--;
      else if (items.length < count) items.push(item);
    }
    continuation = page.continuation;
  } while (continuation && items.length < count);
  return { items, next: continuation };
}

async function pageByCursor(store: ResourceStore, spec: QuerySpec, count: number) {
  const items: StoredResource[] = [];
  let continuation = spec.continuation;
  // Cosmos may return short pages before the end; keep reading until the page is full or done.
  do {
    const page = await store.query({
      ...spec,
      maxItemCount: count - items.length,
      ...(continuation ? { continuation } : {}),
    });
    items.push(...page.items);
    continuation = page.continuation;
  } while (continuation && items.length < count);
  return { items, next: continuation };
}

/**
 * GET /Users, GET /Groups and POST .search (RFC 7644 §3.4.2, §3.4.3; RFC 9865 cursors): one
 * single-partition query compiled from the filter, paged by startIndex/count or by cursor, each
 * resource rendered and projected. `totalResults` costs a COUNT query only when the page alone
 * cannot tell it (Entra's lookups return fewer results than a page, so they never pay for it).
 */
export async function runQuery(
  request: ScimRequest,
  scope: Scope,
  type: ResourceType,
  store: ResourceStore,
  params: QueryParams,
) {
  const projection = parseProjection(type, params.attributes, params.excludedAttributes);
  const { config } = scope;
  const count = Math.min(params.count ?? config.defaultPageSize, config.maxResults);
  // Tests on Group `members` / User `groups` are looked up in the memberships first (ARRAY_CONTAINS).
  const sql = params.filter
    ? ((await membershipFilter(scope, type, params.filter)) ?? filterToSql(params.filter, type))
    : undefined;
  const orderBy = sortExpression(type, params.sortBy, params.sortOrder);
  const spec: QuerySpec = {
    ...(sql ? { where: sql.where, parameters: sql.parameters } : {}),
    orderBy,
    maxItemCount: count,
  };
  // The tenant is part of the digest: another tenant's cursor is invalidCursor, like a foreign one.
  const digest = queryDigest([scope.tenantId, type.id, sql?.where, sql?.parameters, orderBy]);
  const byCursor = params.cursor !== undefined;
  const startIndex = byCursor ? 1 : params.startIndex;
  let page: Page = { items: [], next: undefined };
  if (count > 0) {
    page = byCursor
      ? await pageByCursor(
          store,
          {
            ...spec,
            ...(params.cursor ? { continuation: decodeCursor(params.cursor, digest) } : {}),
          },
          count,
        )
      : await pageByIndex(store, spec, startIndex - 1, count);
  }
  // Past the last item the page itself tells the total, unless a skip or cursor hid what came before.
  const reachedEnd = count > 0 && !page.next;
  const knowsTotal = reachedEnd && (byCursor ? !params.cursor : page.items.length > 0 || startIndex === 1);
  const totalResults = knowsTotal ? startIndex - 1 + page.items.length : await store.count(sql ?? {});
  const resources: ScimObject[] = page.items.map((item) =>
    projectResource(type, renderResource(type, item, request.baseUrl), projection),
  );
  const body: ScimObject = {
    schemas: [LIST_RESPONSE],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
  if (byCursor && page.next) body.nextCursor = encodeCursor(digest, page.next);
  return scimResponse(200, body);
}
