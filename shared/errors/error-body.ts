import type { ScimError } from "./scim-error.js";

export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export interface ErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: string;
  detail: string;
}

/** RFC 7644 §3.12: `status` is a string, `scimType` only for the typed 400/409 errors. */
export function errorBody(error: ScimError): ErrorBody {
  const body: ErrorBody = { schemas: [ERROR_SCHEMA], status: String(error.status), detail: error.detail };
  if (error.scimType) body.scimType = error.scimType;
  return body;
}
