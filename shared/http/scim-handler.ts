import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { unauthorized } from "../auth/authenticate.js";
import type { Config } from "../config.js";
import { ScimError } from "../errors/scim-error.js";
import type { Operation, ScimRequest, ScimResponse } from "../operations/operation.js";
import { sameName } from "../schema/compare-values.js";
import { getServices } from "../services.js";
import { type CallContext, callContext } from "../store/cosmos-call.js";
import "./http-streams.js";
import { readJsonBody } from "./read-body.js";
import { responseMediaType } from "./response-media-type.js";
import { routeSegments, SCIM_PATH } from "./scim-path.js";
import { allowedMethods } from "./scim-routes.js";

const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

function render(response: ScimResponse, mediaType: string): HttpResponseInit {
  return {
    status: response.status,
    headers: { ...(response.body ? { "Content-Type": mediaType } : {}), ...response.headers },
    ...(response.body ? { body: JSON.stringify(response.body) } : {}),
  };
}

const baseUrlOf = (url: URL, configured: string | undefined) => configured ?? `${url.origin}/${SCIM_PATH}`;

/**
 * 405 with `Allow` for a method the path's route does not serve (RFC 9110 §15.5.6), whichever
 * function took the request: the catch-all for a known path (`DELETE /Users`), or a function with
 * a parameter where a literal route is the more specific one (`GET /Users/.search` reaches the
 * function of `GET /Users/{id}`, although `.search` answers POST only: RFC 7644 §3.4.3).
 */
function checkMethod(method: string, url: URL): void {
  // The request URL is as sent, but the host routed it by its decoded segments: read raw,
  // `POST /Users/%2Esearch` reached the search function yet was refused as a POST to a user, and
  // `DELETE /%55sers` was no known path, so the catch-all's 404 said /Users has no endpoint.
  const segments = routeSegments(url.pathname);
  const prefix = SCIM_PATH.split("/");
  if (!prefix.every((part, i) => sameName(part, segments[i] ?? ""))) return;
  const rest = segments.slice(prefix.length);
  const allowed = allowedMethods(rest);
  const path = `/${rest.join("/")}`;
  if (allowed && !allowed.includes(method)) {
    throw new ScimError(
      "methodNotAllowed",
      `${method} is not allowed on ${path}: use ${allowed.join(", ")}.`,
      {
        Allow: allowed.join(", "),
      },
    );
  }
}

/**
 * The route values by their names in `functions/` (lower case). In Azure, `request.params` is the
 * host's binding data: the query parameters too, in a case-insensitive dictionary that keeps the
 * name written first, so with `?ID=1` the value of `{id}` arrives as `params.ID`.
 */
const routeValues = (params: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(params).map(([name, value]) => [name.toLowerCase(), value]));

/** Services whose unknown settings were already reported (once per instance, not per request). */
const reported = new WeakSet<object>();

/**
 * The one request pipeline: authenticate -> parse -> run -> serialize -> map errors. It adapts the
 * Azure Functions objects to the operation's plain `ScimRequest` and back; only this function
 * catches. The tenant comes from the credential, never from the request.
 */
export function scimHandler(
  operation: Operation,
  /** The body limit, when not `maxBodyBytes` (/Bulk has its own, RFC 7644 §3.7.4). */
  bodyLimit: (config: Config) => number = (config) => config.maxBodyBytes,
): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    // The budget counts from here: authentication (its own Cosmos DB reads, Entra's keys) and the
    // body come out of it, so that a slow start leaves less for the operation instead of pushing
    // the answer past the budget, and past Entra's 60 s when the budget is set close to it.
    const arrived = Date.now();
    let ctx: CallContext | undefined;
    const mediaType = responseMediaType(request.headers.get("accept") ?? undefined);
    const answer = (response: HttpResponseInit) => {
      // One line per request, refused ones too (no context yet: no calls): what it cost in Cosmos DB
      // (Application Insights `traces`; README, Observe).
      const { calls, requestCharge } = ctx?.meter ?? { calls: 0, requestCharge: 0 };
      context.log(
        `Cosmos DB: calls=${calls} requestCharge=${requestCharge.toFixed(2)} status=${response.status}`,
      );
      return response;
    };
    try {
      const services = await getServices();
      const { unknownSettings } = services.config;
      if (unknownSettings.length > 0 && !reported.has(services)) {
        reported.add(services);
        context.warn(
          `Ignored settings (no setting has these names; a typo?): ${unknownSettings.join(", ")}. The README's configuration reference lists every setting.`,
        );
      }
      // Before the body is read: an unauthenticated request costs no body parsing.
      const auth = await services.authenticate(request.headers.get("authorization") ?? undefined, (m) =>
        context.warn(m),
      );
      if (!auth.ok) {
        context.warn(`Authentication failed: reason=${auth.reason} fingerprint=${auth.fingerprint}`);
        throw unauthorized(auth);
      }
      const method = request.method.toUpperCase();
      const url = new URL(request.url);
      checkMethod(method, url);
      const body = WITH_BODY.has(method)
        ? await readJsonBody(
            (name) => request.headers.get(name) ?? undefined,
            request.body,
            bodyLimit(services.config),
          )
        : undefined;
      const scimRequest: ScimRequest = {
        method,
        url,
        header: (name) => request.headers.get(name) ?? undefined,
        params: routeValues(request.params),
        body,
        baseUrl: baseUrlOf(url, services.config.baseUrl),
      };
      ctx = callContext(services.config.requestBudgetMs - (Date.now() - arrived));
      return answer(render(await operation(scimRequest, services.scope(auth.tenantId, ctx)), mediaType));
    } catch (error) {
      if (error instanceof ScimError) {
        if (error.status >= 500) context.warn(`SCIM ${error.status}: ${error.detail}`);
        return answer(
          render(
            { status: error.status, headers: { ...error.headers }, body: { ...error.body() } },
            mediaType,
          ),
        );
      }
      context.error(`Unexpected error in invocation ${context.invocationId}`, error);
      const internal = new ScimError(
        "internal",
        `An unexpected error occurred. Reference: ${context.invocationId}.`,
      );
      return answer(render({ status: 500, body: { ...internal.body() } }, mediaType));
    }
  };
}
