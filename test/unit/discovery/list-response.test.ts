import { expect, test } from "vitest";
import { LIST_RESPONSE, listResponse } from "../../../shared/discovery/list-response.js";
import { resourceTypeDocument } from "../../../shared/discovery/resource-type-document.js";
import { discoveryQueryError } from "../../../shared/operations/discovery-operations.js";

import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { jsonShapeProblems } from "./json-shape.js";

test("wraps every document in one page starting at 1 (RFC 7644 §3.4.2, §4)", () => {
  const { User, Group } = buildResourceTypes();
  const docs = [User, Group].map((rt) => resourceTypeDocument(rt, "https://scim.example/scim/v2"));
  const list = listResponse(docs);
  expect(list).toStrictEqual({
    schemas: [LIST_RESPONSE],
    totalResults: 2,
    itemsPerPage: 2,
    startIndex: 1,
    Resources: docs,
  });
  expect(list.Resources).not.toBe(docs);
  expect(jsonShapeProblems(list)).toEqual([]);
});

test("an empty list is still a complete ListResponse", () => {
  expect(listResponse([])).toStrictEqual({
    schemas: [LIST_RESPONSE],
    totalResults: 0,
    itemsPerPage: 0,
    startIndex: 1,
    Resources: [],
  });
});

test.each(["filter=id%20eq%20%22x%22", "Filter=name%20eq%20%22User%22", "FILTER=x&aadOptscim062020"])(
  "a filter on a discovery endpoint is 403 Forbidden (RFC 7644 §4): %s",
  (query) => {
    const error = discoveryQueryError(new URLSearchParams(query));
    expect(error?.code).toBe("forbidden");
    expect(error?.body()).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "403",
      detail: expect.stringContaining("RFC 7644 §4"),
    });
  },
);

test.each([
  "",
  "aadOptscim062020",
  "startIndex=5&count=1",
  "sortBy=name&sortOrder=descending",
  "attributes=id&excludedAttributes=attributes",
  "filter=",
  "filter=%20%20",
])("other query parameters are ignored (RFC 7644 §4 'SHALL be ignored'): %s", (query) => {
  expect(discoveryQueryError(new URLSearchParams(query))).toBeUndefined();
});
