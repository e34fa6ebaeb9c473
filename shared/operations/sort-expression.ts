import { ScimError } from "../errors/scim-error.js";
import { normalizeResource } from "../schema/normalize-resource.js";
import { resolvePath } from "../schema/resolve-path.js";
import type { ResourceType } from "../schema/resource-type.js";
import { containerDefinitions } from "../store/containers.js";
import type { StoredResource } from "../store/documents.js";

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
}

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
    if (resolved.attribute.name === "id") return { orderBy: `c.id ${direction}`, keys: [], descending };
    path = `/normalized/${resolved.keys.join("/")}`;
    const sortable = sortablePaths(type);
    if (!sortable.includes(path)) {
      const names = sortable.map((p) => p.replace("/normalized/", "").replaceAll("/", "."));
      throw new ScimError(
        "invalidValue",
        `Cannot sort by '${sortBy}': ${type.name} resources can be sorted by id, ${names.join(", ")}.`,
      );
    }
  }
  return {
    orderBy: `${sqlOf(path)} ${direction}, c.id ${direction}`,
    keys: path.split("/").filter(Boolean).slice(1),
    descending,
  };
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
