import type { ScimRequest } from "../http/scim-request.js";
import { scimResponse } from "../http/scim-response.js";
import { parseProjection, projectResource } from "../schema/projection.js";
import { renderResource, weakEtag } from "../schema/render-resource.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/resource-document.js";

/** Renders one resource with ETag (and Location on create), honouring `attributes`/`excludedAttributes`. */
export function respondWithResource(
  request: ScimRequest,
  type: ResourceType,
  stored: StoredResource,
  status: number,
  extra: ScimObject = {},
) {
  const projection = parseProjection(
    type,
    request.url.searchParams.get("attributes") ?? undefined,
    request.url.searchParams.get("excludedAttributes") ?? undefined,
  );
  const rendered = renderResource(type, stored, request.baseUrl, extra);
  const headers: Record<string, string> = { ETag: weakEtag(stored.etag) };
  if (status === 201) headers.Location = `${request.baseUrl}${type.endpoint}/${stored.id}`;
  return scimResponse(status, projectResource(type, rendered, projection), headers);
}
