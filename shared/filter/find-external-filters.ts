import type { BoundFilter, ExternalFilter } from "./bound-filter.js";

/**
 * The tests on external attributes (User `groups`, Group `members`) in a bound filter, in the order
 * `compileFilter` meets them: a caller can look them up (asynchronously) before compiling with a
 * `resolveExternal` that uses the answers (RFC 7644 §3.4.2.2 filters on those attributes).
 */
export function findExternalFilters(filter: BoundFilter): ExternalFilter[] {
  switch (filter.kind) {
    case "external":
      return [filter];
    case "and":
    case "or":
      return [...findExternalFilters(filter.left), ...findExternalFilters(filter.right)];
    case "not":
      return findExternalFilters(filter.filter);
    default:
      return [];
  }
}
