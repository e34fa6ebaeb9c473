import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { verifyBearerToken } from "../auth/verify-bearer-token.js";
import { errorBody } from "../errors/error-body.js";
import { ScimError } from "../errors/scim-error.js";
import { getServices, type Services } from "../services.js";
import { readJsonBody } from "./read-body.js";
import { ROUTE_PREFIX } from "./route-prefix.js";
import type { ScimRequest } from "./scim-request.js";
import { SCIM_CONTENT_TYPE, type ScimResponse } from "./scim-response.js";

/** A SCIM operation: pure logic plus repository calls, no runtime objects. */
export type Operation = (request: ScimRequest, services: Services, tenantId: string) => Promise<ScimResponse>;

const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

function render(response: ScimResponse): HttpResponseInit {
  return {
    status: response.status,
    headers: { ...(response.body ? { "Content-Type": SCIM_CONTENT_TYPE } : {}), ...response.headers },
    ...(response.body ? { body: JSON.stringify(response.body) } : {}),
  };
}

const baseUrlOf = (url: URL, configured: string | undefined) => configured ?? `${url.origin}/${ROUTE_PREFIX}`;

/**
 * The one request pipeline (DESIGN.md): authenticate -> parse -> run -> serialize -> map errors.
 * Only this function catches. The tenant comes from the credential, never from the request.
 */
export function scimHandler(operation: Operation): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      const services = await getServices();
      verifyBearerToken(request.headers.get("authorization") ?? undefined, services.config.tokenDigests);
      const method = request.method.toUpperCase();
      const body = WITH_BODY.has(method)
        ? await readJsonBody(
            request.headers.get("content-type") ?? undefined,
            request.headers.get("content-length") ?? undefined,
            () => request.arrayBuffer(),
            services.config.maxBodyBytes,
          )
        : undefined;
      const url = new URL(request.url);
      const scimRequest: ScimRequest = {
        method,
        url,
        header: (name) => request.headers.get(name) ?? undefined,
        params: request.params,
        body,
        baseUrl: baseUrlOf(url, services.config.baseUrl),
      };
      return render(await operation(scimRequest, services, services.config.tenantId));
    } catch (error) {
      if (error instanceof ScimError) {
        if (error.status >= 500) context.warn(`SCIM ${error.status}: ${error.detail}`);
        return render({ status: error.status, headers: { ...error.headers }, body: { ...errorBody(error) } });
      }
      context.error(`Unexpected error in invocation ${context.invocationId}`, error);
      const internal = new ScimError(
        "internal",
        `An unexpected error occurred. Reference: ${context.invocationId}.`,
      );
      return render({ status: 500, body: { ...errorBody(internal) } });
    }
  };
}
