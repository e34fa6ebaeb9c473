import type { ScimObject } from "../schema/scim-json.js";

export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";

/** What an operation returns; the runtime adapter turns it into the host's response type. */
export interface ScimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: ScimObject;
}

export const scimResponse = (status: number, body?: ScimObject, headers: Record<string, string> = {}) => ({
  status,
  headers,
  ...(body ? { body } : {}),
});
