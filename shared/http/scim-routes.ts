import { sameName } from "../schema/compare-values.js";

/**
 * Every path under the Tenant URL that a function serves, with its methods: what a 405 lists in
 * `Allow` (RFC 9110 §15.5.6). HEAD goes wherever GET does (RFC 9110 §9.3.2): the same function
 * answers, and the host sends the headers without the body. A test checks this table against the
 * `app.http` registrations in `functions/`, so the two cannot drift.
 */
export const SCIM_ROUTES: Readonly<Record<string, readonly string[]>> = {
  "": ["GET", "HEAD"],
  ".search": ["POST"],
  Bulk: ["POST"],
  Groups: ["GET", "HEAD", "POST"],
  "Groups/.search": ["POST"],
  "Groups/{id}": ["GET", "HEAD", "PUT", "PATCH", "DELETE"],
  Me: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
  ResourceTypes: ["GET", "HEAD"],
  "ResourceTypes/{id}": ["GET", "HEAD"],
  Schemas: ["GET", "HEAD"],
  "Schemas/{id}": ["GET", "HEAD"],
  ServiceProviderConfig: ["GET", "HEAD"],
  Users: ["GET", "HEAD", "POST"],
  "Users/.search": ["POST"],
  "Users/{id}": ["GET", "HEAD", "PUT", "PATCH", "DELETE"],
};

/** The route table's templates as segments, split once: every request is checked against them. */
const TEMPLATES = Object.entries(SCIM_ROUTES).map(([template, methods]) => ({
  parts: template.split("/").filter(Boolean),
  methods,
}));

/**
 * The methods the route matching a path serves, if some route does: `segments` are the path's
 * segments after the Tenant URL, decoded as the host decoded them to route the request.
 */
export function allowedMethods(segments: readonly string[]): readonly string[] | undefined {
  for (const { parts, methods } of TEMPLATES) {
    if (parts.length !== segments.length) continue;
    // Literal segments match case-insensitively, as the Functions host's routes do.
    // A parameter takes a non-empty segment: the host routes `/Users//` to no `{id}`.
    if (
      parts.every((part, i) =>
        part.startsWith("{") ? segments[i] !== "" : sameName(part, segments[i] as string),
      )
    )
      return methods;
  }
  return undefined;
}
