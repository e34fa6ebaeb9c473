import type { ResourceType } from "./resource-type.js";
import { ENTERPRISE_USER } from "./schema.js";
import { isObject, type ScimObject } from "./scim-json.js";

export interface RenderInput {
  id: string;
  resource: ScimObject;
  etag: string;
}

/** Cosmos `_etag` is an opaque quoted string; SCIM versions are weak ETags (RFC 7644 §3.14). */
export function weakEtag(etag: string): string {
  return `W/"${etag.replace(/^W\//, "").replace(/"/g, "")}"`;
}

/** Strips the weak prefix and quotes so an If-Match value can be compared with a Cosmos `_etag`. */
export function etagValue(header: string): string {
  return header.trim().replace(/^W\//, "").replace(/"/g, "");
}

/**
 * Whether an `If-Match` / `If-None-Match` list (RFC 9110 §13.1) names the version `etag`: `*`, or
 * one of its entity tags by weak comparison, as every version here is a weak ETag.
 */
export function namesVersion(header: string, etag: string): boolean {
  const current = etagValue(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || etagValue(tag) === current);
}

/**
 * Renders a stored resource as SCIM JSON (RFC 7643 §3): `schemas` from the extensions present,
 * `id`, full `meta` (location and version derived, never stored), and `$ref` on references the
 * server owns. `extra` carries attributes derived at read time (a user's `groups`, a group's `members`).
 */
export function renderResource(
  resourceType: ResourceType,
  stored: RenderInput,
  baseUrl: string,
  extra: ScimObject = {},
): ScimObject {
  const { meta, ...attributes } = stored.resource;
  const schemas = [resourceType.core.id];
  for (const { schema } of resourceType.extensions) {
    if (isObject(attributes[schema.id])) schemas.push(schema.id);
  }
  const times = isObject(meta) ? meta : {};
  const body: ScimObject = { schemas, id: stored.id, ...attributes, ...extra };
  const enterprise = body[ENTERPRISE_USER];
  if (isObject(enterprise) && isObject(enterprise.manager) && typeof enterprise.manager.value === "string") {
    // Entra's deserializer needs the complex form with $ref, whatever form the manager was sent in.
    // The value is the client's text, not checked to be an id: encoded, so that $ref stays a URI
    // (RFC 7643 §2.3.7) whatever it holds (a space, "/", "?" or "#").
    const ref = `${baseUrl}/Users/${encodeURIComponent(enterprise.manager.value)}`;
    body[ENTERPRISE_USER] = { ...enterprise, manager: { ...enterprise.manager, $ref: ref } };
  }
  body.meta = {
    resourceType: resourceType.id,
    ...(times.created !== undefined ? { created: times.created } : {}),
    ...(times.lastModified !== undefined ? { lastModified: times.lastModified } : {}),
    location: `${baseUrl}${resourceType.endpoint}/${stored.id}`,
    version: weakEtag(stored.etag),
  };
  return body;
}
