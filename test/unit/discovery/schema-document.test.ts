import { describe, expect, test } from "vitest";
import {
  type AttributeDocument,
  discoverySchemas,
  findSchema,
  SCHEMA_SCHEMA,
  schemaDocument,
} from "../../../shared/discovery/schema-document.js";
import { attribute } from "../../../shared/schema/attribute.js";
import { enterpriseUserSchema } from "../../../shared/schema/enterprise-user-schema.js";
import { groupSchema } from "../../../shared/schema/group-schema.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { CORE_GROUP, CORE_USER, ENTERPRISE_USER, type Schema } from "../../../shared/schema/schema.js";
import { userSchema } from "../../../shared/schema/user-schema.js";
import { jsonShapeProblems } from "./json-shape.js";
import { CUSTOM_USER, sampleExtensions } from "./sample-extensions.js";

const BASE = "https://scim.example/scim/v2";
const resourceTypes = buildResourceTypes(sampleExtensions());
const documents = discoverySchemas(resourceTypes).map((s) => schemaDocument(s, BASE));

const REQUIRED_ATTRIBUTE_KEYS = [
  "name",
  "type",
  "multiValued",
  "description",
  "required",
  "caseExact",
  "mutability",
  "returned",
  "uniqueness",
];
const OPTIONAL_ATTRIBUTE_KEYS = ["canonicalValues", "referenceTypes", "subAttributes"];

const flatten = (attributes: readonly AttributeDocument[]): AttributeDocument[] =>
  attributes.flatMap((a) => [a, ...flatten(a.subAttributes ?? [])]);

const byName = (attributes: readonly AttributeDocument[], name: string) =>
  attributes.find((a) => a.name === name);

describe.each(documents.map((d) => [d.id, d] as const))("%s has the RFC 7643 §7 shape", (id, doc) => {
  test("no null or undefined anywhere, camelCase keys", () => {
    expect(jsonShapeProblems(JSON.parse(JSON.stringify(doc)))).toEqual([]);
    expect(jsonShapeProblems(doc)).toEqual([]);
  });

  test("top-level keys and meta", () => {
    expect(Object.keys(doc).sort()).toEqual(["attributes", "description", "id", "meta", "name", "schemas"]);
    expect(doc.schemas).toEqual([SCHEMA_SCHEMA]);
    expect(doc.meta).toEqual({ resourceType: "Schema", location: `${BASE}/Schemas/${id}` });
  });

  test("every attribute carries every characteristic, and optional ones only where they apply", () => {
    for (const a of flatten(doc.attributes)) {
      const keys = Object.keys(a);
      expect(keys, a.name).toEqual(expect.arrayContaining(REQUIRED_ATTRIBUTE_KEYS));
      expect(
        keys.filter((k) => !REQUIRED_ATTRIBUTE_KEYS.includes(k) && !OPTIONAL_ATTRIBUTE_KEYS.includes(k)),
      ).toEqual([]);
      expect("subAttributes" in a, a.name).toBe(a.type === "complex");
      expect("referenceTypes" in a, a.name).toBe(a.type === "reference");
    }
  });
});

describe("matches the RFC 7643 §8.7.1 representation", () => {
  const user = documents.find((d) => d.id === CORE_USER);
  const group = documents.find((d) => d.id === CORE_GROUP);
  const enterprise = documents.find((d) => d.id === ENTERPRISE_USER);

  test("User: userName, emails and groups", () => {
    expect(user?.name).toBe("User");
    expect(byName(user?.attributes ?? [], "userName")).toMatchObject({
      type: "string",
      multiValued: false,
      required: true,
      caseExact: false,
      mutability: "readWrite",
      returned: "default",
      uniqueness: "server",
    });
    const emails = byName(user?.attributes ?? [], "emails");
    expect(emails).toMatchObject({ type: "complex", multiValued: true });
    expect(byName(emails?.subAttributes ?? [], "type")?.canonicalValues).toEqual(["work", "home", "other"]);
    const groups = byName(user?.attributes ?? [], "groups");
    expect(groups?.mutability).toBe("readOnly");
    expect(byName(groups?.subAttributes ?? [], "$ref")).toMatchObject({
      type: "reference",
      referenceTypes: ["User", "Group"],
    });
    expect(byName(user?.attributes ?? [], "password")).toMatchObject({
      mutability: "writeOnly",
      returned: "never",
    });
  });

  test("Group: members with $ref kept as `$ref`", () => {
    const members = byName(group?.attributes ?? [], "members");
    expect(members).toMatchObject({ type: "complex", multiValued: true });
    expect(members?.subAttributes?.map((s) => s.name)).toEqual(["value", "$ref", "display", "type"]);
    expect(byName(members?.subAttributes ?? [], "$ref")).toMatchObject({
      mutability: "immutable",
      referenceTypes: ["User", "Group"],
    });
  });

  test("enterprise User: manager is complex with value, $ref, displayName", () => {
    expect(enterprise?.name).toBe("EnterpriseUser");
    const manager = byName(enterprise?.attributes ?? [], "manager");
    expect(manager?.subAttributes?.map((s) => s.name)).toEqual(["value", "$ref", "displayName"]);
  });

  test("common attributes are not listed in any schema (RFC 7643 §3.1)", () => {
    for (const doc of documents) {
      expect(doc.attributes.map((a) => a.name)).not.toContain("id");
      expect(doc.attributes.map((a) => a.name)).not.toContain("meta");
    }
  });
});

describe("schemaDocument", () => {
  const schema: Schema = {
    id: "urn:example:1",
    name: "Example",
    description: "",
    attributes: [attribute("code", "string", { canonicalValues: [] })],
  };

  test("a trailing slash on the base URL does not double in meta.location", () => {
    expect(schemaDocument(schema, `${BASE}/`).meta.location).toBe(`${BASE}/Schemas/urn:example:1`);
    expect(schemaDocument(schema, `${BASE}//`).meta.location).toBe(`${BASE}/Schemas/urn:example:1`);
  });

  test("keeps a characteristic that is present even when empty, and copies arrays", () => {
    const doc = schemaDocument(schema, BASE);
    expect(doc.attributes[0]?.canonicalValues).toEqual([]);
    expect(doc.attributes[0]?.canonicalValues).not.toBe(schema.attributes[0]?.canonicalValues);
    expect(doc.description).toBe("");
  });

  test("the built-in schemas come out unchanged whatever the extensions", () => {
    const plain = discoverySchemas(buildResourceTypes());
    expect(plain).toEqual([userSchema, enterpriseUserSchema, groupSchema]);
  });
});

describe("discoverySchemas and findSchema", () => {
  test("a schema shared by both resource types is listed once", () => {
    const shared: Schema = {
      id: "urn:example:shared",
      name: "Shared",
      description: "",
      attributes: [attribute("x", "string")],
    };
    const schemas = discoverySchemas(buildResourceTypes({ User: [shared], Group: [shared] }));
    expect(schemas.filter((s) => s === shared)).toHaveLength(1);
  });

  test("finds by URN case-insensitively, and nothing for an unknown URN", () => {
    expect(findSchema(resourceTypes, CORE_USER.toUpperCase())).toBe(userSchema);
    expect(findSchema(resourceTypes, CUSTOM_USER)?.id).toBe(CUSTOM_USER);
    expect(findSchema(resourceTypes, "urn:example:unknown")).toBeUndefined();
    expect(findSchema(resourceTypes, "")).toBeUndefined();
  });
});
