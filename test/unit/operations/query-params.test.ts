import { describe, expect, test } from "vitest";
import { queryParamsFromSearch, SEARCH_REQUEST } from "../../../shared/operations/query-params.js";

describe("queryParamsFromSearch (RFC 7644 §3.4.3)", () => {
  test("a member that is null is not given, as a client serialising every member sends it", () => {
    const params = queryParamsFromSearch({
      schemas: [SEARCH_REQUEST],
      filter: null,
      attributes: null,
      excludedAttributes: null,
      sortBy: null,
      sortOrder: null,
      startIndex: null,
      count: null,
      cursor: null,
    });
    expect(params).toEqual({
      filter: undefined,
      sortBy: undefined,
      sortOrder: "ascending",
      startIndex: 1,
      count: undefined,
      cursor: undefined,
      attributes: undefined,
      excludedAttributes: undefined,
    });
  });

  test("the members given beside null ones still count", () => {
    const params = queryParamsFromSearch({
      schemas: [SEARCH_REQUEST],
      filter: 'userName eq "a"',
      count: 5,
      sortBy: null,
    });
    expect(params).toMatchObject({ filter: 'userName eq "a"', count: 5, sortBy: undefined });
  });

  test("the SearchRequest URI is matched case-insensitively, as the PatchOp and BulkRequest URIs are", () => {
    const params = queryParamsFromSearch({ schemas: [SEARCH_REQUEST.toUpperCase()], count: 2 });
    expect(params).toMatchObject({ count: 2 });
    expect(() =>
      queryParamsFromSearch({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Search"] }),
    ).toThrow(expect.objectContaining({ code: "invalidValue" }));
  });
});
