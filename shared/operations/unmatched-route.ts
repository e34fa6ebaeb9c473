import { ScimError } from "../errors/scim-error.js";
import { allowedMethods } from "../http/scim-routes.js";
import type { Operation } from "./operation.js";

/**
 * Every request under the Tenant URL that no function serves (RFC 7644 §3.12: errors are SCIM
 * Errors): a known path with another method is 405 with `Allow`; any other path is 404.
 */
export const unmatchedRoute: Operation = async (request) => {
  const path = request.params.path ?? "";
  const allowed = allowedMethods(path);
  if (allowed) {
    throw new ScimError(
      "methodNotAllowed",
      `${request.method} is not allowed on /${path}: use ${allowed.join(", ")}.`,
      { Allow: allowed.join(", ") },
    );
  }
  throw new ScimError("notFound", `There is no SCIM endpoint at /${path} (RFC 7644 §3.2).`);
};
