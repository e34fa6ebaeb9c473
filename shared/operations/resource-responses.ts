import { ScimError } from "../errors/scim-error.js";
import { type Projection, parseProjection, projectResource } from "../schema/projection.js";
import { renderResource, weakEtag } from "../schema/render-resource.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/documents.js";
import type { DocumentSize } from "../store/resource-store.js";
import { type ScimRequest, type ScimResponse, scimResponse } from "./operation.js";
import { queryParam } from "./query-params.js";

/** RFC 7644 §3.9 `attributes` / `excludedAttributes` of a request's query string. */
export const projectionOf = (request: ScimRequest, type: ResourceType): Projection =>
  parseProjection(type, queryParam(request.url, "attributes"), queryParam(request.url, "excludedAttributes"));

/** Renders one resource with ETag (and Location on create), honouring `attributes`/`excludedAttributes`. */
export function respondWithResource(
  request: ScimRequest,
  type: ResourceType,
  stored: StoredResource,
  status: number,
  extra: ScimObject = {},
): ScimResponse {
  const rendered = renderResource(type, stored, request.baseUrl, extra);
  const headers: Record<string, string> = { ETag: weakEtag(stored.etag) };
  if (status === 201) headers.Location = `${request.baseUrl}${type.endpoint}/${stored.id}`;
  return scimResponse(status, projectResource(type, rendered, projectionOf(request, type)), headers);
}

/** 404 for a User or Group id the tenant does not have (RFC 7644 §3.12). */
export const notFound = (type: ResourceType, id: string) =>
  new ScimError("notFound", `${type.name} ${JSON.stringify(id)} not found.`);

/** 409 uniqueness naming the attribute and value that collided (userName or displayName). */
export function uniquenessError(type: ResourceType, resource: ScimObject): ScimError {
  const unique = type.core.attributes.find((a) => a.uniqueness === "server");
  const name = unique?.name ?? "id";
  return new ScimError(
    "uniqueness",
    `A ${type.name} with ${name} ${JSON.stringify(resource[name])} already exists (compared case-insensitively).`,
  );
}

/**
 * 413 for a write whose stored document would pass Cosmos DB's item limit: nothing is written.
 * `size` is our own measure; without it, Cosmos DB refused the write itself.
 */
export function tooLarge(type: ResourceType, size?: DocumentSize): ScimError {
  const why =
    "the stored document holds each value twice, as sent and lower-cased for case-insensitive queries" +
    (size?.reserved ? `, and keeps ${size.reserved / 1024} KiB for the user's groups` : "");
  const measure = size
    ? `would take ${size.bytes} bytes in Cosmos DB, over the ${size.limit} bytes it may take within the 2 MB item limit`
    : "is over Cosmos DB's 2 MB item limit";
  return new ScimError("payloadTooLarge", `The ${type.name} ${measure} (${why}); nothing was changed.`);
}
