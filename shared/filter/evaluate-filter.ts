import { compareScalars } from "../schema/compare-values.js";
import { isObject, type ScimObject } from "../schema/scim-json.js";
import type { BoundFilter, ExternalFilter, ValueLocation } from "./bound-filter.js";

/** The parts of a stored item a filter reads: the id and the comparison copy `normalized`. */
export interface FilterableDocument {
  id: string;
  normalized: ScimObject;
}

export interface EvaluateOptions {
  /** Decides external tests (User `groups`, Group `members`); by default they read `normalized` like any attribute. */
  evaluateExternal?: (filter: ExternalFilter, document: FilterableDocument) => boolean;
}

function walk(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    // Cosmos yields undefined for a property of a non-object, arrays included.
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * Evaluates a bound filter against one stored document, with exactly the semantics of the SQL that
 * {@link compileFilter} emits (RFC 7644 §3.4.2.2): the oracle for its tests and a way to check a
 * single resource without a query. Two-valued: a missing value fails every test except `ne`.
 */
export function evaluateFilter(
  filter: BoundFilter,
  document: FilterableDocument,
  options: EvaluateOptions = {},
): boolean {
  const valueAt = (location: ValueLocation, element: unknown): unknown => {
    if (location.scope === "id") return document.id;
    return walk(location.scope === "document" ? document.normalized : element, location.keys);
  };

  const evaluate = (node: BoundFilter, element: unknown): boolean => {
    switch (node.kind) {
      case "constant":
        return node.value;
      case "compare":
        return compareScalars(node.op, valueAt(node.location, element), node.value);
      case "present": {
        const x = valueAt(node.location, element);
        if (node.type === "object") return isObject(x);
        return typeof x === node.type && (typeof x !== "string" || x.length > 0);
      }
      case "and":
        return evaluate(node.left, element) && evaluate(node.right, element);
      case "or":
        return evaluate(node.left, element) || evaluate(node.right, element);
      case "not":
        return !evaluate(node.filter, element);
      case "any": {
        const array = walk(document.normalized, node.keys);
        return Array.isArray(array) && array.some((item) => evaluate(node.filter, item));
      }
      case "external":
        return options.evaluateExternal
          ? options.evaluateExternal(node, document)
          : evaluate(node.filter, element);
    }
  };

  return evaluate(filter, undefined);
}
