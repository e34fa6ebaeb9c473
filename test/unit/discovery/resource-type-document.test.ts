import { expect, test } from "vitest";
import {
  RESOURCE_TYPE_SCHEMA,
  resourceTypeDocument,
} from "../../../shared/discovery/resource-type-document.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { CORE_GROUP, CORE_USER, ENTERPRISE_USER } from "../../../shared/schema/schema.js";
import { jsonShapeProblems } from "./json-shape.js";
import { CUSTOM_GROUP, CUSTOM_USER, sampleExtensions } from "./sample-extensions.js";

const BASE = "https://scim.example/scim/v2";

test("User matches the RFC 7643 §8.6 example, with the extensions not required (Entra omits them from schemas[])", () => {
  expect(resourceTypeDocument(buildResourceTypes().User, BASE)).toStrictEqual({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: "User",
    name: "User",
    endpoint: "/Users",
    description: "User Account",
    schema: CORE_USER,
    schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
    meta: { resourceType: "ResourceType", location: `${BASE}/ResourceTypes/User` },
  });
});

test("Group without extensions omits schemaExtensions, as in §8.6, and does not list the ADSCIM alias", () => {
  const doc = resourceTypeDocument(buildResourceTypes().Group, `${BASE}/`);
  expect(doc).toStrictEqual({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: "Group",
    name: "Group",
    endpoint: "/Groups",
    description: "Group",
    schema: CORE_GROUP,
    meta: { resourceType: "ResourceType", location: `${BASE}/ResourceTypes/Group` },
  });
  expect("schemaExtensions" in doc).toBe(false);
});

test("custom extensions are listed after the built-in ones, and documents hold no nulls", () => {
  const { User, Group } = buildResourceTypes(sampleExtensions());
  const user = resourceTypeDocument(User, BASE);
  const group = resourceTypeDocument(Group, BASE);
  expect(user.schemaExtensions?.map((e) => e.schema)).toEqual([ENTERPRISE_USER, CUSTOM_USER]);
  expect(group.schemaExtensions).toEqual([{ schema: CUSTOM_GROUP, required: false }]);
  expect([...jsonShapeProblems(user), ...jsonShapeProblems(group)]).toEqual([]);
});
