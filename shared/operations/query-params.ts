import * as z from "zod";
import { ScimError } from "../errors/scim-error.js";
import { foldCase, sameName } from "../schema/compare-values.js";
import { isObject } from "../schema/scim-json.js";

export const SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/** RFC 7644 §3.4.2 query parameters, from a query string or a SearchRequest body (§3.4.3). */
export interface QueryParams {
  filter: string | undefined;
  sortBy: string | undefined;
  sortOrder: "ascending" | "descending";
  /** 1-based; values below 1 are treated as 1 (§3.4.2.4). */
  startIndex: number;
  count: number | undefined;
  /** RFC 9865: present (possibly empty, meaning "first page") when the client pages by cursor. */
  cursor: string | undefined;
  attributes: string | undefined;
  excludedAttributes: string | undefined;
}

/** An integer from a query string or a SearchRequest body, clamped to the safe range; the error names what came. */
const integer = (name: string) =>
  z.unknown().transform((value, ctx) => {
    const n =
      typeof value === "number"
        ? value
        : typeof value === "string" && /^\s*-?\d+\s*$/.test(value)
          ? Number(value)
          : NaN;
    if (Number.isInteger(n)) return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, n));
    ctx.addIssue({ code: "custom", message: `'${name}' must be an integer, not ${JSON.stringify(value)}` });
    return z.NEVER;
  });

const list = z.union([z.string(), z.array(z.string()).transform((a) => a.join(","))]);

const schema = z.object({
  filter: z.string().optional(),
  sortBy: z.string().optional(),
  sortOrder: z
    .string()
    .transform(foldCase)
    .pipe(z.enum(["ascending", "descending"], { error: "'sortOrder' must be ascending or descending" }))
    .optional(),
  startIndex: integer("startIndex").optional(),
  count: integer("count").optional(),
  cursor: z.string().optional(),
  attributes: list.optional(),
  excludedAttributes: list.optional(),
});

const given = (name: string) =>
  new ScimError(
    "invalidValue",
    `Query parameter '${name}' is given more than once (parameter names are case-insensitive).`,
  );

/**
 * Keys are matched case-insensitively; unknown parameters are ignored (Entra adds aadOptscim062020).
 * A known one given twice (`filter=a&filter=b`, `count` and `COUNT`) is refused: keeping either
 * would silently drop the other (an unapplied filter, an unseen attribute).
 */
function pickKnown(source: Iterable<[string, unknown]>): Record<string, unknown> {
  const known = Object.keys(schema.shape);
  const out: Record<string, unknown> = {};
  for (const [key, value] of source) {
    const name = known.find((k) => sameName(k, key));
    if (name === undefined) continue;
    if (Object.hasOwn(out, name)) throw given(name);
    out[name] = value;
  }
  return out;
}

/**
 * One query parameter of a request, its name matched case-insensitively as a list's parameters
 * are: `?Attributes=userName` projected a list but not `GET /Users/{id}` or a write's answer.
 */
export function queryParam(url: URL, name: string): string | undefined {
  let found: string | undefined;
  for (const [key, value] of url.searchParams) {
    if (!sameName(key, name)) continue;
    if (found !== undefined) throw given(name);
    found = value;
  }
  return found;
}

function parse(input: Record<string, unknown>): QueryParams {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? "query");
    const message = issue?.message ?? "invalid";
    // Our own messages name the parameter already.
    const detail = message.startsWith(`'${name}'`) ? message : `'${name}': ${message}`;
    throw new ScimError("invalidValue", `Query parameter ${detail}.`);
  }
  const p = result.data;
  return {
    filter: p.filter?.trim() || undefined,
    sortBy: p.sortBy?.trim() || undefined,
    sortOrder: p.sortOrder ?? "ascending",
    startIndex: Math.max(1, p.startIndex ?? 1),
    count: p.count === undefined ? undefined : Math.max(0, p.count),
    cursor: p.cursor,
    attributes: p.attributes,
    excludedAttributes: p.excludedAttributes,
  };
}

export const queryParamsFromUrl = (url: URL): QueryParams => parse(pickKnown(url.searchParams.entries()));

/** A POST .search body (RFC 7644 §3.4.3). */
export function queryParamsFromSearch(body: unknown): QueryParams {
  if (!isObject(body)) throw new ScimError("invalidSyntax", "The SearchRequest body must be a JSON object.");
  const schemas = Object.entries(body).find(([k]) => sameName(k, "schemas"))?.[1];
  // Schema URIs are case-insensitive (RFC 7643 §2.1), as a PatchOp's and a BulkRequest's are read.
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === "string" && sameName(s, SEARCH_REQUEST))) {
    throw new ScimError("invalidValue", `A SearchRequest must list '${SEARCH_REQUEST}' in 'schemas'.`);
  }
  // null is no value (RFC 7643 §2.5): clients that serialise every member send `"filter": null`.
  return parse(pickKnown(Object.entries(body).filter(([k, v]) => v !== null && !sameName(k, "schemas"))));
}
