import { authenticationSchemes } from "../discovery/authentication-schemes.js";
import { listResponse } from "../discovery/list-response.js";
import { resourceTypeDocument } from "../discovery/resource-type-document.js";
import { discoverySchemas, findSchema, schemaDocument } from "../discovery/schema-document.js";
import { serviceProviderConfig } from "../discovery/service-provider-config.js";
import { ScimError } from "../errors/scim-error.js";
import { sameName } from "../schema/compare-values.js";
import type { ScimObject } from "../schema/scim-json.js";
import {
  type Operation,
  type ScimRequest,
  type ScimResponse,
  type Scope,
  scimResponse,
} from "./operation.js";

/**
 * The answer to query parameters on `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas`
 * (RFC 7644 §4): parameters of §3.4.2 (sorting, pagination, attributes, ...) and unknown ones such as
 * Entra's `aadOptscim062020` are ignored, but a non-blank `filter` gets 403 Forbidden, as the RFC
 * recommends, so that a client never reads an unfiltered list as the result of its filter.
 * The name is matched case-insensitively so `Filter=` cannot slip past as an ignored parameter.
 * Returns the error to throw, or undefined when the request may proceed.
 */
export function discoveryQueryError(query: URLSearchParams): ScimError | undefined {
  for (const [name, value] of query) {
    if (sameName(name, "filter") && value.trim() !== "") {
      return new ScimError("forbidden", "Filtering is not supported on discovery endpoints (RFC 7644 §4).");
    }
  }
  return undefined;
}

/** RFC 7644 §4: query parameters are ignored on discovery endpoints, except that a filter is refused. */
const discovery =
  (build: (request: ScimRequest, scope: Scope) => ScimResponse): Operation =>
  async (request, scope) => {
    const refusal = discoveryQueryError(request.url.searchParams);
    if (refusal) throw refusal;
    return build(request, scope);
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
          bulk: {
            supported: true,
            maxOperations: config.bulk.maxOperations,
            maxPayloadSize: config.bulk.maxPayloadBytes,
          },
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
          authenticationSchemes: authenticationSchemes(request.baseUrl),
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
  const id = request.params.id ?? "";
  const type = [resourceTypes.User, resourceTypes.Group].find((t) => sameName(t.id, id));
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

/** /Me (RFC 7644 §3.11) is not offered: 501 says so, where 404 would suggest a wrong URL. */
export const notImplemented =
  (what: string): Operation =>
  async () => {
    throw new ScimError("notImplemented", `${what} is not supported by this server.`);
  };
