import { pagedListResponse } from "../discovery/list-response.js";
import { bindFilter } from "../filter/bind-filter.js";
import { compileFilter, type SqlFilter } from "../filter/compile-filter.js";
import { parseFilter } from "../filter/parse-filter.js";
import { membershipSql } from "../membership/membership-filter.js";
import { derivedForPage } from "../membership/read-memberships.js";
import { parseProjection, projectResource } from "../schema/projection.js";
import { renderResource } from "../schema/render-resource.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/documents.js";
import type { QuerySpec, ResourceStore } from "../store/resource-store.js";
import { badCursor, decodeCursor, encodeCursor, queryDigest } from "./cursor.js";
import { type ResourceKind, type ScimRequest, type Scope, scimResponse } from "./operation.js";
import { fitInBudget, storedBytes } from "./page-budget.js";
import type { QueryParams } from "./query-params.js";
import {
  compareInCosmosOrder,
  orderDigest,
  type SortOrder,
  sortExpression,
  sortKeyOf,
  specForRun,
} from "./sort-expression.js";

/** Cosmos pages are capped at this many items per round trip while skipping towards startIndex. */
const PAGE_CAP = 1000;

/** Where a read stands: the run of the order it is in, and that run's continuation (none: its start). */
interface Position {
  run: number;
  continuation?: string;
}

interface Page {
  items: StoredResource[];
  next: Position | undefined;
}

/**
 * Reads pages of an ordered query from `spec.continuation` until `skip + count` items are seen, or
 * the end, or the items kept reach `maxBytes` (checked between Cosmos pages, so `next` stays exactly
 * after the last item kept); `skipped` says how many of `skip` it met.
 */
async function readOrdered(
  store: ResourceStore,
  spec: QuerySpec,
  skip: number,
  count: number,
  pageCap: number,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<{ items: StoredResource[]; next: string | undefined; skipped: number; bytes: number }> {
  const items: StoredResource[] = [];
  let continuation = spec.continuation;
  let toSkip = skip;
  let bytes = 0;
  // Cosmos may return short (even empty) pages before the end; keep reading until full or done.
  do {
    const page = await store.query({
      ...spec,
      maxItemCount: Math.min(pageCap, toSkip + count - items.length),
      ...(continuation ? { continuation } : {}),
    });
    if (!page.ok) throw badCursor();
    for (const item of page.items) {
      if (toSkip > 0) toSkip--;
      else if (items.length < count) {
        items.push(item);
        bytes += storedBytes(item);
      }
    }
    continuation = page.continuation;
  } while (continuation && items.length < count && bytes < maxBytes);
  return { items, next: continuation, skipped: skip - toSkip, bytes };
}

/**
 * {@link readOrdered} over the runs of `sort`, from `from`: a page may end in one run and the next
 * start in another. When a page fills (in items or `maxBytes`) exactly where a run ends, the next
 * run with an item is found (one item read), so that a cursor is only issued when there is more to read.
 */
async function readRuns(
  store: ResourceStore,
  spec: QuerySpec,
  sort: SortOrder,
  from: Position,
  skip: number,
  count: number,
  pageCap: number,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Page> {
  const items: StoredResource[] = [];
  let toSkip = skip;
  let bytes = 0;
  for (let run = from.run; run < sort.runs.length; run++) {
    const continuation = run === from.run ? from.continuation : undefined;
    const part = await readOrdered(
      store,
      specForRun(spec, sort, run, continuation),
      toSkip,
      count - items.length,
      pageCap,
      maxBytes - bytes,
    );
    items.push(...part.items);
    toSkip -= part.skipped;
    bytes += part.bytes;
    if (part.next) return { items, next: { run, continuation: part.next } };
    if (items.length >= count || bytes >= maxBytes) {
      for (let later = run + 1; later < sort.runs.length; later++) {
        const probe = await readOrdered(store, specForRun(spec, sort, later), 0, 1, 1);
        if (probe.items.length > 0) return { items, next: { run: later } };
      }
      return { items, next: undefined };
    }
  }
  return { items, next: undefined };
}

/**
 * A cursor's state: the Cosmos continuation itself for a one-run order (what cursors always were),
 * the run and its continuation for an order read in runs.
 */
function positionToState(sort: SortOrder, position: Position): string {
  if (sort.runs.length === 1) return position.continuation ?? "";
  return JSON.stringify([position.run, position.continuation ?? null]);
}

function stateToPosition(sort: SortOrder, state: string): Position {
  if (sort.runs.length === 1) return state ? { run: 0, continuation: state } : { run: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(state);
  } catch {
    throw badCursor();
  }
  const [run, continuation] = Array.isArray(parsed) ? parsed : [];
  if (!Number.isInteger(run) || run < 0 || run >= sort.runs.length) throw badCursor();
  if (typeof continuation === "string") return { run, continuation };
  if (continuation !== null) throw badCursor();
  return { run };
}

/**
 * Sorts items in memory exactly as `ORDER BY <sort>, c.id` would. Rendering reads `resource`; the
 * sort key lives in the comparison form, recomputed here for the few items of one page.
 */
function sortInMemory(items: StoredResource[], sort: SortOrder, type: ResourceType) {
  const keyed = items.map((item) => ({
    item,
    key: sortKeyOf(type, item, sort),
  }));
  keyed.sort((x, y) => {
    const order =
      (sort.keys.length ? compareInCosmosOrder(x.key, y.key) : 0) ||
      compareInCosmosOrder(x.item.id, y.item.id);
    return sort.descending ? -order : order;
  });
  return keyed.map((k) => k.item);
}

/**
 * Entra's lookups (`userName eq`, `externalId eq`, `displayName eq`, `id eq`) match one item or
 * none: asking Cosmos DB to sort them costs RU for nothing. A filtered first page without sortBy is
 * therefore read unordered, one item past the page; if that is the whole result it is sorted in
 * memory (the same order the ordered query gives) and `totalResults` is known. Only a larger result
 * pays for the ordered query.
 */
async function readUnordered(store: ResourceStore, spec: QuerySpec, count: number, maxBytes: number) {
  const { orderBy: _ordered, ...unordered } = spec;
  return readOrdered(store, unordered, 0, count + 1, PAGE_CAP, maxBytes);
}

/** A page of resources, with the attributes derived from memberships read for the whole page at once. */
async function renderPage(
  request: ScimRequest,
  scope: Scope,
  type: ResourceType,
  items: readonly StoredResource[],
  params: QueryParams,
): Promise<ScimObject[]> {
  const projection = parseProjection(type, params.attributes, params.excludedAttributes);
  const derived = await derivedForPage(scope, type.id as ResourceKind, items, projection, request.baseUrl);
  return items.map((item) =>
    projectResource(type, renderResource(type, item, request.baseUrl, derived.get(item.id)), projection),
  );
}

/**
 * GET /Users, GET /Groups and POST .search (RFC 7644 §3.4.2, §3.4.3; RFC 9865 cursors): one
 * single-partition query compiled from the filter, paged by startIndex/count or by cursor, each
 * resource rendered and projected. Every order ends with `id`, so pages never repeat or skip tied
 * items. `totalResults` costs a COUNT query only when the page alone cannot tell it. A page stops
 * short of `count` where its resources would pass `maxResponseBytes` (RFC 7644 §3.4.2.4), with at
 * least one resource: reading stops once the documents read reach it, and the rendered resources
 * are measured again.
 */
export async function runQuery(
  request: ScimRequest,
  scope: Scope,
  type: ResourceType,
  store: ResourceStore,
  params: QueryParams,
) {
  const { config } = scope;
  // Parsed first so that a bad projection is a 400 before any query runs.
  parseProjection(type, params.attributes, params.excludedAttributes);
  const count = Math.min(params.count ?? config.defaultPageSize, config.maxResults);
  const bound = params.filter ? bindFilter(parseFilter(params.filter), type) : undefined;
  const sql: SqlFilter | undefined = bound
    ? ((await membershipSql(scope, type, bound)) ?? compileFilter(bound))
    : undefined;
  const sort = sortExpression(type, params.sortBy, params.sortOrder);
  const spec: QuerySpec = {
    ...(sql ? { where: sql.where, parameters: sql.parameters } : {}),
    orderBy: sort.orderBy,
    maxItemCount: count,
  };
  const digest = queryDigest([type.id, sql?.where, sql?.parameters, orderDigest(sort)]);
  const byCursor = params.cursor !== undefined;
  const startIndex = byCursor ? 1 : params.startIndex;
  const budget = config.maxResponseBytes;
  let page: Page = { items: [], next: undefined };
  let totalResults: number | undefined;
  const from: Position =
    byCursor && params.cursor
      ? stateToPosition(sort, decodeCursor(config.cursorKeys, scope.tenantId, digest, params.cursor))
      : { run: 0 };
  if (byCursor) {
    if (count > 0) {
      page = await readRuns(store, spec, sort, from, 0, count, count, budget);
      // Only a first page that read every match tells the total: count=0 read none.
      if (!page.next && !params.cursor) totalResults = page.items.length;
    }
  } else if (count > 0 && startIndex === 1 && sql && !params.sortBy) {
    const probe = await readUnordered(store, spec, count, budget);
    if (probe.items.length <= count && !probe.next) {
      page = { items: sortInMemory(probe.items, sort, type), next: undefined };
      totalResults = page.items.length;
    } else {
      page = await readRuns(store, spec, sort, { run: 0 }, 0, count, PAGE_CAP, budget);
    }
  } else if (count > 0) {
    if (startIndex > 1) {
      // Skipping costs a read per skipped item: know first whether the page exists at all.
      totalResults = await store.count(sql ?? {});
      if (startIndex > totalResults)
        return scimResponse(200, pagedListResponse(totalResults, startIndex, []));
    }
    page = await readRuns(store, spec, sort, { run: 0 }, startIndex - 1, count, PAGE_CAP, budget);
    if (!page.next && totalResults === undefined && (page.items.length > 0 || startIndex === 1)) {
      totalResults = startIndex - 1 + page.items.length;
    }
  }
  totalResults ??= await store.count(sql ?? {});
  let resources = await renderPage(request, scope, type, page.items, params);
  let fit = fitInBudget(resources, budget);
  while (fit < resources.length) {
    if (!byCursor) {
      resources = resources.slice(0, fit);
      break;
    }
    // A cursor resumes at a Cosmos continuation, which only marks the end of a Cosmos page: read the
    // page again exactly `fit` items long, so that its continuation is right after the last one kept.
    // (Reading stops only between Cosmos pages, and rendering adds to the documents, e.g. a group's
    // `members`.) Each pass keeps fewer items, down to one, so this ends.
    page = await readRuns(store, spec, sort, from, 0, fit, fit);
    resources = await renderPage(request, scope, type, page.items, params);
    fit = fitInBudget(resources, budget);
  }
  const body = pagedListResponse(totalResults, byCursor ? undefined : startIndex, resources);
  if (byCursor && page.next) {
    body.nextCursor = encodeCursor(
      config.cursorKeys,
      scope.tenantId,
      digest,
      positionToState(sort, page.next),
    );
  }
  return scimResponse(200, body);
}
