import { discoveryQueryError } from "../discovery/discovery-query-error.js";
import { discoverySchemas, findSchema } from "../discovery/discovery-schemas.js";
import { listResponse } from "../discovery/list-response.js";
import { resourceTypeDocument } from "../discovery/resource-type-document.js";
import { schemaDocument } from "../discovery/schema-document.js";
import { OAUTH_BEARER_TOKEN, serviceProviderConfig } from "../discovery/service-provider-config.js";
import { ScimError } from "../errors/scim-error.js";
import type { Operation } from "../http/scim-handler.js";
import type { ScimRequest } from "../http/scim-request.js";
import { type ScimResponse, scimResponse } from "../http/scim-response.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { Services } from "../services.js";

/** RFC 7644 §4: query parameters are ignored on discovery endpoints, except that a filter is refused. */
const discovery =
  (build: (request: ScimRequest, services: Services) => ScimResponse): Operation =>
  async (request, services) => {
    const refusal = discoveryQueryError(request.url.searchParams);
    if (refusal) throw refusal;
    return build(request, services);
  };

const json = (value: object) => value as unknown as ScimObject;

/** GET /ServiceProviderConfig (RFC 7643 §5): what this server really implements, from its configuration. */
export const getServiceProviderConfig = discovery((request, { config }) =>
  scimResponse(
    200,
    json(
      serviceProviderConfig(
        {
          patch: true,
          bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
          filter: { supported: true, maxResults: config.maxResults },
          changePassword: false,
          sort: true,
          etag: true,
          pagination: {
            cursor: true,
            index: true,
            defaultPaginationMethod: "index",
            defaultPageSize: config.defaultPageSize,
            maxPageSize: config.maxResults,
          },
          authenticationSchemes: [OAUTH_BEARER_TOKEN],
        },
        request.baseUrl,
      ),
    ),
  ),
);

/** GET /ResourceTypes (RFC 7644 §4). */
export const listResourceTypes = discovery((request, { resourceTypes }) =>
  scimResponse(
    200,
    json(
      listResponse(
        [resourceTypes.User, resourceTypes.Group].map((t) => resourceTypeDocument(t, request.baseUrl)),
      ),
    ),
  ),
);

/** GET /ResourceTypes/{id}. */
export const getResourceType = discovery((request, { resourceTypes }) => {
  const id = (request.params.id ?? "").toLowerCase();
  const type = [resourceTypes.User, resourceTypes.Group].find((t) => t.id.toLowerCase() === id);
  if (!type) throw new ScimError("notFound", `ResourceType ${JSON.stringify(request.params.id)} not found.`);
  return scimResponse(200, json(resourceTypeDocument(type, request.baseUrl)));
});

/** GET /Schemas (RFC 7644 §4): core, enterprise and configured extension schemas. */
export const listSchemas = discovery((request, { resourceTypes }) =>
  scimResponse(
    200,
    json(listResponse(discoverySchemas(resourceTypes).map((s) => schemaDocument(s, request.baseUrl)))),
  ),
);

/** GET /Schemas/{urn}. */
export const getSchema = discovery((request, { resourceTypes }) => {
  const schema = findSchema(resourceTypes, request.params.id ?? "");
  if (!schema) throw new ScimError("notFound", `Schema ${JSON.stringify(request.params.id)} not found.`);
  return scimResponse(200, json(schemaDocument(schema, request.baseUrl)));
});

/** /Bulk and /Me (RFC 7644 §3.7, §3.11) are not offered: 501 says so, where 404 would suggest a wrong URL. */
export const notImplemented =
  (what: string): Operation =>
  async () => {
    throw new ScimError("notImplemented", `${what} is not supported by this server.`);
  };
