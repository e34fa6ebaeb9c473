import { pagedListResponse } from "../discovery/list-response.js";
import { ScimError } from "../errors/scim-error.js";
import { bindFilterAcross } from "../filter/bind-filter.js";
import type { BoundFilter } from "../filter/bound-filter.js";
import { compileFilter, type SqlFilter } from "../filter/compile-filter.js";
import { invalidFilter } from "../filter/invalid-filter.js";
import { parseFilter } from "../filter/parse-filter.js";
import { membershipSql } from "../membership/membership-filter.js";
import { derivedForPage } from "../membership/read-memberships.js";
import { listEntries, parseProjection, projectionPath, projectResource } from "../schema/projection.js";
import { renderResource } from "../schema/render-resource.js";
import { resolvePath } from "../schema/resolve-path.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/documents.js";
import type { QuerySpec, ResourceStore } from "../store/resource-store.js";
import { badCursor, decodeCursor, encodeCursor, queryDigest } from "./cursor.js";
import {
  type Operation,
  type ResourceKind,
  resourceOf,
  type ScimRequest,
  type Scope,
  scimResponse,
} from "./operation.js";
import { fitInBudget, storedBytes } from "./page-budget.js";
import { type QueryParams, queryParamsFromSearch, queryParamsFromUrl } from "./query-params.js";
import {
  compareInCosmosOrder,
  compareSortKeys,
  ONE_RUN,
  orderDigest,
  type SortOrder,
  sortExpression,
  sortKeyOf,
  specForRun,
} from "./sort-expression.js";

/**
 * Queries at the server root (RFC 7644 §3.4.2.1 `GET /`, §3.4.3 `POST /.search`): Users and Groups
 * together, each container queried in the same order and the two ordered streams merged, reading
 * from each no more than the page needs. An attribute only one type has is "no value" for the
 * other; a name neither has is invalidFilter.
 */

const KINDS: readonly ResourceKind[] = ["User", "Group"];
/** Cosmos pages are capped at this many items per round trip while merging towards a page. */
const PAGE_CAP = 1000;

/**
 * Where a stream stands: the run of its order (see SortOrder.runs; absent: the first), the
 * continuation its current page was read from, and the items taken from that page.
 */
interface Position {
  run?: number;
  continuation?: string;
  skip: number;
}

/**
 * One container's results in order, read page by page on demand, run after run (`specs`, one query
 * per run of the order). `position()` is where the next untaken item is, so a cursor can resume
 * exactly there (a Cosmos continuation only marks page ends).
 */
class OrderedStream {
  private buffer: StoredResource[] = [];
  private index = 0;
  private run: number;
  private pageFrom: string | undefined;
  private next: string | undefined;
  private started = false;

  constructor(
    readonly kind: ResourceKind,
    private readonly store: ResourceStore,
    private readonly specs: readonly QuerySpec[],
    private readonly pageSize: number,
    private readonly resume: Position,
    private readonly keyOf: (item: StoredResource) => unknown,
  ) {
    this.run = resume.run ?? 0;
  }

  async peek(): Promise<{ item: StoredResource; key: unknown } | undefined> {
    if (!this.started) await this.start();
    while (this.index >= this.buffer.length) {
      if (this.next !== undefined) await this.fetch(this.next);
      else if (this.run < this.specs.length - 1) {
        this.run++;
        await this.fetch(undefined);
      } else return undefined;
    }
    const item = this.buffer[this.index] as StoredResource;
    return { item, key: this.keyOf(item) };
  }

  take(): void {
    this.index++;
  }

  /**
   * Where the next untaken item is; undefined when there is none. At the end of a run the next runs
   * are read until one has an item, so that a cursor is only issued when there is more to read.
   */
  async position(): Promise<Position | undefined> {
    // Never read (a page of count=0): nothing was taken, so it stands where it was resumed.
    if (!this.started) return this.resume;
    if (this.index >= this.buffer.length && this.next === undefined && this.run < this.specs.length - 1) {
      if (!(await this.peek())) return undefined;
    }
    const run = this.run > 0 ? { run: this.run } : {};
    if (this.index < this.buffer.length)
      return { ...run, ...(this.pageFrom ? { continuation: this.pageFrom } : {}), skip: this.index };
    return this.next === undefined ? undefined : { ...run, continuation: this.next, skip: 0 };
  }

  private async start() {
    this.started = true;
    await this.fetch(this.resume.continuation);
    let skip = this.resume.skip;
    // The items the previous page had already taken from this page (and beyond, if Cosmos now pages shorter).
    while (skip > 0) {
      const here = Math.min(skip, this.buffer.length - this.index);
      this.index += here;
      skip -= here;
      if (skip > 0 && this.next === undefined) break;
      if (skip > 0) await this.fetch(this.next);
    }
  }

  private async fetch(continuation: string | undefined) {
    const page = await this.store.query({
      ...(this.specs[this.run] as QuerySpec),
      maxItemCount: this.pageSize,
      ...(continuation ? { continuation } : {}),
    });
    if (!page.ok) throw badCursor();
    this.buffer = page.items;
    this.index = 0;
    this.pageFrom = continuation;
    this.next = page.continuation;
  }
}

/**
 * The entries of `list` this type knows (the others are simply not there for it), split and
 * resolved as `parseProjection` does; all must be known somewhere.
 */
function projectionFor(type: ResourceType, list: string | undefined): string | undefined {
  const known = listEntries(list).filter(({ name }) => projectionPath(type, name) !== undefined);
  return known.length > 0 ? known.map(({ entry }) => entry).join(",") : undefined;
}

function checkProjection(types: readonly ResourceType[], list: string | undefined, param: string) {
  for (const { name } of listEntries(list)) {
    if (types.every((t) => projectionPath(t, name) === undefined)) {
      throw new ScimError("invalidValue", `Unknown attribute '${name}' in '${param}'.`);
    }
  }
}

/** Each type's filter, or undefined when it can match nothing there (that container is not read). */
async function filters(
  scope: Scope,
  text: string | undefined,
): Promise<Map<ResourceKind, SqlFilter | undefined> | undefined> {
  const out = new Map<ResourceKind, SqlFilter | undefined>();
  if (!text) {
    for (const kind of KINDS) out.set(kind, undefined);
    return out;
  }
  const ast = parseFilter(text);
  const unknown = KINDS.map(() => new Set<string>());
  const bound: BoundFilter[] = KINDS.map((kind, i) =>
    bindFilterAcross(ast, scope.resourceTypes[kind], unknown[i] as Set<string>),
  );
  const nowhere = [...(unknown[0] as Set<string>)].filter((name) => (unknown[1] as Set<string>).has(name));
  if (nowhere.length > 0) throw invalidFilter(`Unknown attribute "${nowhere[0]}": no resource type has it`);
  for (const [i, kind] of KINDS.entries()) {
    const filter = bound[i] as BoundFilter;
    if (filter.kind === "constant" && !filter.value) continue;
    const type = scope.resourceTypes[kind];
    out.set(kind, (await membershipSql(scope, type, filter)) ?? compileFilter(filter));
  }
  return out;
}

/** The order for one type: the sort attribute where it has it, otherwise `id` alone (its items tie as "no value"). */
function sortFor(type: ResourceType, params: QueryParams): SortOrder {
  if (params.sortBy && !resolvePath(type, params.sortBy)) {
    const direction = params.sortOrder === "descending" ? "DESC" : "ASC";
    return {
      orderBy: `c.id ${direction}`,
      keys: ["\u0000absent"],
      descending: params.sortOrder === "descending",
      runs: ONE_RUN,
    };
  }
  return sortExpression(type, params.sortBy, params.sortOrder);
}

async function rootQuery(request: ScimRequest, scope: Scope, params: QueryParams) {
  const { config } = scope;
  const types = KINDS.map((kind) => scope.resourceTypes[kind]);
  checkProjection(types, params.attributes, "attributes");
  checkProjection(types, params.excludedAttributes, "excludedAttributes");
  if (params.sortBy && types.every((t) => !resolvePath(t, params.sortBy as string))) {
    throw new ScimError("invalidValue", `Cannot sort by unknown attribute '${params.sortBy}'.`);
  }
  const count = Math.min(params.count ?? config.defaultPageSize, config.maxResults);
  const byType = (await filters(scope, params.filter)) ?? new Map();
  const sorts = new Map(KINDS.map((kind) => [kind, sortFor(scope.resourceTypes[kind], params)]));
  const digest = queryDigest([
    "root",
    ...KINDS.map((kind) => [
      byType.has(kind),
      byType.get(kind)?.where,
      byType.get(kind)?.parameters,
      orderDigest(sorts.get(kind) as SortOrder),
    ]),
  ]);
  const byCursor = params.cursor !== undefined;
  let resume: Partial<Record<ResourceKind, Position | null>> = {};
  if (params.cursor) {
    const state = decodeCursor(config.cursorKeys, scope.tenantId, digest, params.cursor);
    try {
      resume = JSON.parse(state) as typeof resume;
    } catch {
      throw badCursor();
    }
  }
  const descending = params.sortOrder === "descending";
  const startIndex = byCursor ? 1 : params.startIndex;
  // Each container's stream, from the cursor's positions (or the start), reading pages of `need`.
  const openStreams = (need: number) => {
    const streams: OrderedStream[] = [];
    for (const kind of KINDS) {
      if (!byType.has(kind) || resume[kind] === null) continue;
      const { type, store } = resourceOf(scope, kind);
      const sql = byType.get(kind);
      const sort = sorts.get(kind) as SortOrder;
      const spec: QuerySpec = {
        ...(sql ? { where: sql.where, parameters: sql.parameters } : {}),
        orderBy: sort.orderBy,
        maxItemCount: count,
      };
      const keyOf = (item: StoredResource) =>
        sort.keys[0] === "\u0000absent" ? undefined : sortKeyOf(type, item, sort);
      streams.push(
        new OrderedStream(
          kind,
          store,
          sort.runs.map((_, run) => specForRun(spec, sort, run)),
          Math.min(PAGE_CAP, Math.max(1, need)),
          resume[kind] ?? { skip: 0 },
          keyOf,
        ),
      );
    }
    return streams;
  };
  const countAll = async () => {
    let total = 0;
    for (const kind of KINDS) {
      if (!byType.has(kind)) continue;
      const sql = byType.get(kind);
      total += await resourceOf(scope, kind).store.count(
        sql ? { where: sql.where, parameters: sql.parameters } : {},
      );
    }
    return total;
  };
  let known: number | undefined;
  if (startIndex > 1) {
    // Skipping costs a read per skipped item: know first whether the page exists at all.
    known = await countAll();
    if (startIndex > known) return scimResponse(200, pagedListResponse(known, startIndex, []));
  }
  const budget = config.maxResponseBytes;
  let streams = openStreams(byCursor ? count : startIndex - 1 + count);
  let merged = await mergePage(streams, descending, startIndex - 1, count, budget);
  let positions = await positionsOf(streams, resume);
  const exhausted = streams.every((s) => positions[s.kind] === null);
  const totalResults =
    known ??
    (exhausted && (!byCursor || !params.cursor)
      ? startIndex - 1 - merged.unskipped + merged.page.length
      : await countAll());
  let resources = await renderMixed(request, scope, merged.page, params);
  let fit = fitInBudget(resources, budget);
  while (fit < resources.length) {
    if (!byCursor) {
      resources = resources.slice(0, fit);
      break;
    }
    // The streams have read past the last resource kept: merge again from the same positions, `fit`
    // resources only, so that the cursor resumes right after it. Each pass keeps fewer, down to one.
    streams = openStreams(fit);
    merged = await mergePage(streams, descending, 0, fit, Number.POSITIVE_INFINITY);
    positions = await positionsOf(streams, resume);
    resources = await renderMixed(request, scope, merged.page, params);
    fit = fitInBudget(resources, budget);
  }
  const body = pagedListResponse(totalResults, byCursor ? undefined : startIndex, resources);
  if (byCursor && count > 0 && !streams.every((s) => positions[s.kind] === null)) {
    body.nextCursor = encodeCursor(config.cursorKeys, scope.tenantId, digest, JSON.stringify(positions));
  }
  return scimResponse(200, body);
}

/**
 * The merge: the smallest head (sort key, then id) of the streams, skip-then-take, until `count`
 * are taken or those taken reach `maxBytes` as stored; `unskipped` is how many of `skip` were not
 * there to skip.
 */
async function mergePage(
  streams: readonly OrderedStream[],
  descending: boolean,
  skip: number,
  count: number,
  maxBytes: number,
) {
  const page: { kind: ResourceKind; item: StoredResource }[] = [];
  let toSkip = skip;
  let bytes = 0;
  while (count > 0 && page.length < count && bytes < maxBytes) {
    let best: { stream: OrderedStream; item: StoredResource; key: unknown } | undefined;
    for (const stream of streams) {
      const head = await stream.peek();
      if (!head) continue;
      if (best) {
        const order = compareSortKeys(head.key, best.key) || compareInCosmosOrder(head.item.id, best.item.id);
        if ((descending ? -order : order) >= 0) continue;
      }
      best = { stream, ...head };
    }
    if (!best) break;
    best.stream.take();
    if (toSkip > 0) toSkip--;
    else {
      page.push({ kind: best.stream.kind, item: best.item });
      bytes += storedBytes(best.item);
    }
  }
  return { page, unskipped: toSkip };
}

/** Where each stream stands after a page; a stream that ended stays ended (null) in every later cursor. */
async function positionsOf(
  streams: readonly OrderedStream[],
  resume: Partial<Record<ResourceKind, Position | null>>,
): Promise<Partial<Record<ResourceKind, Position | null>>> {
  const positions: Partial<Record<ResourceKind, Position | null>> = {};
  for (const kind of KINDS) if (resume[kind] === null) positions[kind] = null;
  for (const stream of streams) positions[stream.kind] = (await stream.position()) ?? null;
  return positions;
}

/** Renders a page of Users and Groups, each with its own schemas and its derived attributes. */
async function renderMixed(
  request: ScimRequest,
  scope: Scope,
  page: readonly { kind: ResourceKind; item: StoredResource }[],
  params: QueryParams,
): Promise<ScimObject[]> {
  const rendered = new Map<StoredResource, ScimObject>();
  for (const kind of KINDS) {
    const type = scope.resourceTypes[kind];
    const items = page.filter((p) => p.kind === kind).map((p) => p.item);
    if (items.length === 0) continue;
    const projection = parseProjection(
      type,
      projectionFor(type, params.attributes) ?? (params.attributes ? "id" : undefined),
      projectionFor(type, params.excludedAttributes),
    );
    const derived = await derivedForPage(scope, kind, items, projection, request.baseUrl);
    for (const item of items) {
      rendered.set(
        item,
        projectResource(type, renderResource(type, item, request.baseUrl, derived.get(item.id)), projection),
      );
    }
  }
  return page.map((p) => rendered.get(p.item) as ScimObject);
}

/** GET / with a query string (RFC 7644 §3.4.2.1): Users and Groups at once. */
export const listAll: Operation = (request, scope) =>
  rootQuery(request, scope, queryParamsFromUrl(request.url));

/** POST /.search (RFC 7644 §3.4.3): the same, from a SearchRequest body. */
export const searchAll: Operation = (request, scope) =>
  rootQuery(request, scope, queryParamsFromSearch(request.body));
