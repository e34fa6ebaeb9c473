import { ScimError } from "../errors/scim-error.js";
import type { Operation } from "./operation.js";

/**
 * Every request under the Tenant URL that no function serves (RFC 7644 §3.12: errors are SCIM
 * Errors): 404. A known path with another method never gets here: the pipeline answers it 405 with
 * `Allow` first, whichever function took it (scim-handler.ts).
 */
export const unmatchedRoute: Operation = async (request) => {
  throw new ScimError(
    "notFound",
    `There is no SCIM endpoint at /${request.params.path ?? ""} (RFC 7644 §3.2).`,
  );
};
