import { ScimError } from "../errors/scim-error.js";
import { normalizeResource } from "../schema/normalize-resource.js";
import { resolvePath } from "../schema/resolve-path.js";
import type { ResourceType } from "../schema/resource-type.js";
import { containerDefinitions } from "../store/containers.js";
import type { StoredResource } from "../store/documents.js";
import type { QuerySpec } from "../store/resource-store.js";

/** The stable default order: creation time, then id. */
export const DEFAULT_SORT_PATH = "/normalized/meta/created";

/** The container a resource type lives in. */
const containerOf = (type: ResourceType) => (type.id === "User" ? "users" : "groups");

/**
 * The attribute paths a resource type can be sorted on: those with a composite index
 * `(path, /id)` in its container. Cosmos DB serves `ORDER BY x, c.id` only from such an index, and
 * the trailing `id` is what makes the order total, so pages never repeat or skip tied items.
 */
export function sortablePaths(type: ResourceType): string[] {
  const definition = containerDefinitions.find((c) => c.id === containerOf(type));
  return (definition?.indexingPolicy.compositeIndexes ?? [])
    .filter((index) => index.length === 2 && index[1]?.path === "/id")
    .map((index) => index[0]?.path ?? "");
}

const sqlOf = (indexPath: string) =>
  `c${indexPath
    .split("/")
    .filter(Boolean)
    .map((key) => `[${JSON.stringify(key)}]`)
    .join("")}`;

/** An ORDER BY over the comparison form `normalized`, ending with `c.id`. */
export interface SortOrder {
  /** The ORDER BY list for Cosmos DB SQL. */
  orderBy: string;
  /** The sorted path under `normalized`, for comparing items in memory exactly as Cosmos orders them. */
  keys: readonly string[];
  descending: boolean;
  /**
   * The runs the result is read in, one after the other, each a condition AND-ed to the filter
   * (`undefined`: none). RFC 7644 §3.4.2.3 orders resources without a value for `sortBy` last when
   * ascending and first when descending; Cosmos DB's ORDER BY puts an undefined value first when
   * ascending. So an attribute a resource may lack is read as two runs, those with a value and
   * those without, in the RFC's order; one that every resource has is one run.
   */
  runs: readonly (string | undefined)[];
}

/** The single run of an order whose key every resource has. */
export const ONE_RUN = [undefined] as const;

/**
 * RFC 7644 §3.4.2.3 `sortBy`/`sortOrder` -> ORDER BY over the comparison form `normalized`, so that
 * caseExact=false attributes sort case-insensitively, always ending with `c.id` so that the order
 * is total. Paths come from the schema only, and only attributes with a composite index are
 * sortable (400 invalidValue names the sortable ones otherwise).
 */
export function sortExpression(
  type: ResourceType,
  sortBy: string | undefined,
  order: "ascending" | "descending",
): SortOrder {
  const direction = order === "descending" ? "DESC" : "ASC";
  const descending = order === "descending";
  let path = DEFAULT_SORT_PATH;
  let runs: SortOrder["runs"] = ONE_RUN;
  if (sortBy) {
    const resolved = resolvePath(type, sortBy);
    if (!resolved) throw new ScimError("invalidValue", `Cannot sort by unknown attribute '${sortBy}'.`);
    const leaf = resolved.subAttribute ?? resolved.attribute;
    if (leaf.returned === "never") {
      throw new ScimError("invalidValue", `Cannot sort by '${sortBy}': it is never returned.`);
    }
    if (resolved.attribute.multiValued || leaf.type === "complex") {
      throw new ScimError(
        "invalidValue",
        `Cannot sort by '${sortBy}': only singular simple attributes are sortable.`,
      );
    }
    if (resolved.attribute.name === "id") {
      return { orderBy: `c.id ${direction}`, keys: [], descending, runs: ONE_RUN };
    }
    path = `/normalized/${resolved.keys.join("/")}`;
    const sortable = sortablePaths(type);
    if (!sortable.includes(path)) {
      const names = sortable.map((p) => p.replace("/normalized/", "").replaceAll("/", "."));
      throw new ScimError(
        "invalidValue",
        `Cannot sort by '${sortBy}': ${type.name} resources can be sorted by id, ${names.join(", ")}.`,
      );
    }
    // meta's dates are always written; a required core attribute (inside a required one) always has a value.
    const always =
      !resolved.extension &&
      (resolved.attribute.name === "meta" || (leaf.required && resolved.attribute.required));
    if (!always) {
      const withValue = `IS_DEFINED(${sqlOf(path)})`;
      const without = `NOT IS_DEFINED(${sqlOf(path)})`;
      runs = descending ? [without, withValue] : [withValue, without];
    }
  }
  return {
    orderBy: `${sqlOf(path)} ${direction}, c.id ${direction}`,
    keys: path.split("/").filter(Boolean).slice(1),
    descending,
    runs,
  };
}

/**
 * What a cursor's digest records of an order: its ORDER BY, and its runs when there are several, so
 * that a cursor issued before an order was read in runs is refused (invalidCursor), not misread.
 */
export const orderDigest = (sort: SortOrder): unknown =>
  sort.runs.length > 1 ? [sort.orderBy, sort.runs] : sort.orderBy;

/** The query of one run of `sort`: its condition AND-ed to the filter (`where` is AND-safe), from `continuation`. */
export function specForRun(spec: QuerySpec, sort: SortOrder, run: number, continuation?: string): QuerySpec {
  const { continuation: _from, ...rest } = spec;
  const where = [spec.where, sort.runs[run]].filter(Boolean).join(" AND ");
  return { ...rest, ...(where ? { where } : {}), ...(continuation ? { continuation } : {}) };
}

/**
 * Compares two sort keys in the RFC 7644 §3.4.2.3 ascending order (a missing key last), which the
 * runs of a {@link SortOrder} read from Cosmos DB: its order otherwise.
 */
export function compareSortKeys(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  return compareInCosmosOrder(a, b);
}

/** Cosmos DB's order of JSON types in ORDER BY: undefined, null, booleans, numbers, strings. */
const typeRank = (v: unknown) =>
  v === undefined ? 0 : v === null ? 1 : typeof v === "boolean" ? 2 : typeof v === "number" ? 3 : 4;

/** Compares two values as Cosmos DB's ORDER BY does, for ordering items in memory the same way. */
export function compareInCosmosOrder(a: unknown, b: unknown): number {
  const [ra, rb] = [typeRank(a), typeRank(b)];
  if (ra !== rb) return ra - rb;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (
    (typeof a === "number" || typeof a === "boolean") &&
    (typeof b === "number" || typeof b === "boolean")
  ) {
    return Number(a) - Number(b);
  }
  return 0;
}

/** The value `sort` orders `item` by: its comparison form at `sort.keys`, recomputed from `resource`. */
export function sortKeyOf(type: ResourceType, item: StoredResource, sort: SortOrder): unknown {
  return sort.keys.reduce<unknown>(
    (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
    normalizeResource(type, item.resource),
  );
}
