import { ScimError } from "../errors/scim-error.js";
import { resolvePath } from "../schema/resolve-path.js";
import type { ResourceType } from "../schema/resource-type.js";

/** The stable default order: creation time then id, served by the containers' composite index. */
export const DEFAULT_ORDER = "c.normalized.meta.created ASC, c.id ASC";

/**
 * RFC 7644 §3.4.2.3 sortBy -> ORDER BY over the comparison form `normalized` (so caseExact=false attributes
 * sort case-insensitively). Paths come from the schema only. Multi-valued and complex attributes
 * have no single value to sort on here: 400.
 */
export function sortExpression(
  type: ResourceType,
  sortBy: string | undefined,
  order: "ascending" | "descending",
) {
  const direction = order === "descending" ? "DESC" : "ASC";
  if (!sortBy) return order === "descending" ? "c.normalized.meta.created DESC, c.id DESC" : DEFAULT_ORDER;
  const resolved = resolvePath(type, sortBy);
  if (!resolved) throw new ScimError("invalidValue", `Cannot sort by unknown attribute '${sortBy}'.`);
  const leaf = resolved.subAttribute ?? resolved.attribute;
  if (resolved.attribute.multiValued || leaf.type === "complex" || leaf.returned === "never") {
    throw new ScimError(
      "invalidValue",
      `Cannot sort by '${sortBy}': only singular simple attributes are sortable.`,
    );
  }
  if (resolved.attribute.name === "id") return `c.id ${direction}`;
  const path = resolved.keys.map((k) => `[${JSON.stringify(k)}]`).join("");
  return `c.normalized${path} ${direction}`;
}
