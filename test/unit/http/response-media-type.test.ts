import { describe, expect, test } from "vitest";
import {
  JSON_CONTENT_TYPE,
  responseMediaType,
  SCIM_CONTENT_TYPE,
} from "../../../shared/http/response-media-type.js";

/** RFC 7644 §3.8: application/scim+json by default; application/json when the client prefers it. */
describe("the media type of a response body", () => {
  test.each([
    [undefined, SCIM_CONTENT_TYPE],
    ["", SCIM_CONTENT_TYPE],
    ["*/*", SCIM_CONTENT_TYPE],
    ["application/*", SCIM_CONTENT_TYPE],
    ["application/scim+json", SCIM_CONTENT_TYPE],
    ["application/scim+json, application/json", SCIM_CONTENT_TYPE],
    ["application/json;q=0.9, application/scim+json", SCIM_CONTENT_TYPE],
    // Nothing we can produce: the default form, not a 406 (RFC 9110 §12.5.1 lets a server ignore Accept).
    ["text/html", SCIM_CONTENT_TYPE],
    ["application/json;q=0", SCIM_CONTENT_TYPE],
    ["application/json", JSON_CONTENT_TYPE],
    ["Application/JSON; charset=utf-8", JSON_CONTENT_TYPE],
    ["application/scim+json;q=0.5, application/json", JSON_CONTENT_TYPE],
    // A tie between a named type and a wildcard: the client named application/json (axios's default).
    ["application/json, text/plain, */*", JSON_CONTENT_TYPE],
    ["text/html, application/*;q=0.8, application/json;q=0.9", JSON_CONTENT_TYPE],
  ])("Accept: %j -> %s", (accept, expected) => {
    expect(responseMediaType(accept)).toBe(expected);
  });
});
