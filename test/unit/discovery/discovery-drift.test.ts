import { describe, expect, test } from "vitest";
import { listResponse } from "../../../shared/discovery/list-response.js";
import { resourceTypeDocument } from "../../../shared/discovery/resource-type-document.js";
import { discoverySchemas, findSchema, schemaDocument } from "../../../shared/discovery/schema-document.js";
import type { Attribute, AttributeType } from "../../../shared/schema/attribute.js";
import { foldsCase } from "../../../shared/schema/compare-values.js";
import { resolvePath } from "../../../shared/schema/resolve-path.js";
import { buildResourceTypes, type ResourceType } from "../../../shared/schema/resource-type.js";
import type { Schema } from "../../../shared/schema/schema.js";
import { valueSchema } from "../../../shared/schema/value-schema.js";
import { CUSTOM_GROUP, CUSTOM_USER, sampleExtensions } from "./sample-extensions.js";
import { asValue, isWritable, sampleItem, wrongItem } from "./sample-values.js";

// Discovery must describe exactly what validation, filters and PATCH accept. These tests build
// /Schemas the way the endpoint does and hold every published attribute against those engines.
const BASE = "https://scim.example/scim/v2";
const resourceTypes = buildResourceTypes(sampleExtensions());
const allResourceTypes = [resourceTypes.User, resourceTypes.Group];
const schemasList = listResponse(discoverySchemas(resourceTypes).map((s) => schemaDocument(s, BASE)));

/** Found by identity: the schema behind a /Schemas entry is the object a resource type holds. */
function ownerOf(schema: Schema): ResourceType {
  const owner = allResourceTypes.find(
    (rt) => rt.core === schema || rt.extensions.some((e) => e.schema === schema),
  );
  if (!owner) throw new Error(`no resource type uses ${schema.id}`);
  return owner;
}

function definitionOf(id: string): Schema {
  const schema = findSchema(resourceTypes, id);
  if (!schema) throw new Error(`/Schemas lists ${id}, which no resource type defines`);
  return schema;
}

test("/Schemas lists every schema of every resource type, including the custom extensions, once", () => {
  const expected = allResourceTypes.flatMap((rt) => [rt.core, ...rt.extensions.map((e) => e.schema)]);
  expect(schemasList.Resources.map((d) => d.id)).toEqual(expected.map((s) => s.id));
  expect(schemasList.Resources.map((d) => d.id)).toEqual(expect.arrayContaining([CUSTOM_USER, CUSTOM_GROUP]));
  expect(schemasList.totalResults).toBe(expected.length);
});

test("/ResourceTypes and /Schemas name the same schemas", () => {
  const referenced = allResourceTypes
    .map((rt) => resourceTypeDocument(rt, BASE))
    .flatMap((doc) => [doc.schema, ...(doc.schemaExtensions ?? []).map((e) => e.schema)]);
  expect([...referenced].sort()).toEqual(schemasList.Resources.map((d) => d.id).sort());
});

test("the sample covers every attribute type, so the checks below exercise each validator branch", () => {
  const types = new Set<AttributeType>();
  const visit = (attributes: readonly Attribute[]) => {
    for (const a of attributes) {
      types.add(a.type);
      visit(a.subAttributes ?? []);
    }
  };
  visit(definitionOf(CUSTOM_USER).attributes);
  expect([...types].sort()).toEqual(
    ["binary", "boolean", "complex", "dateTime", "decimal", "integer", "reference", "string"].sort(),
  );
});

test("caseExact in /Schemas is how values compare: text folds case unless caseExact, binary never does", () => {
  const published: [string, boolean, boolean][] = [];
  const visit = (attributes: readonly Attribute[], prefix: string) => {
    for (const a of attributes) {
      if (a.type === "string" || a.type === "reference" || a.type === "binary")
        published.push([`${prefix}${a.name}`, a.caseExact, !foldsCase(a)]);
      visit(a.subAttributes ?? [], `${prefix}${a.name}.`);
    }
  };
  for (const doc of schemasList.Resources) visit(doc.attributes, `${doc.id}:`);
  expect(published.some(([name]) => name.endsWith("x509Certificates.value"))).toBe(true);
  expect(published.filter(([, caseExact, comparedExactly]) => caseExact !== comparedExactly)).toEqual([]);
});

for (const doc of schemasList.Resources) {
  const schema = definitionOf(doc.id);
  const resourceType = ownerOf(schema);
  const isCore = schema === resourceType.core;

  describe(`${doc.id} (${resourceType.id})`, () => {
    test("(a) the document is rendered from the very definition objects the engines use", () => {
      expect(doc.name).toBe(schema.name);
      expect(doc.description).toBe(schema.description);
      expect(doc.attributes).toStrictEqual(schema.attributes);
    });

    for (const attribute of schema.attributes) {
      const qualified = `${schema.id}:${attribute.name}`;

      test(`(c) ${attribute.name} resolves by its URN-qualified name${isCore ? " and its plain name" : ""}`, () => {
        const paths = isCore
          ? [qualified, attribute.name, attribute.name.toUpperCase()]
          : [qualified, qualified.toUpperCase()];
        for (const path of paths) {
          const resolved = resolvePath(resourceType, path);
          expect(resolved?.attribute, path).toBe(attribute);
          expect(resolved?.extension, path).toBe(isCore ? undefined : schema);
          expect(resolved?.subAttribute, path).toBeUndefined();
        }
        for (const sub of attribute.subAttributes ?? []) {
          for (const path of isCore
            ? [`${qualified}.${sub.name}`, `${attribute.name}.${sub.name}`]
            : [`${qualified}.${sub.name}`]) {
            const resolved = resolvePath(resourceType, path);
            expect(resolved?.attribute, path).toBe(attribute);
            expect(resolved?.subAttribute, path).toBe(sub);
          }
        }
      });

      if (!isWritable(attribute)) continue;

      test(`(b) ${attribute.name} (${attribute.type}${attribute.multiValued ? "[]" : ""}) accepts its declared type and rejects others`, () => {
        const validator = valueSchema(attribute);
        const valid = asValue(attribute, sampleItem(attribute));
        expect(validator.safeParse(valid).success, JSON.stringify(valid)).toBe(true);
        const wrong = asValue(attribute, wrongItem(attribute));
        expect(validator.safeParse(wrong).success, JSON.stringify(wrong)).toBe(false);
        for (const sub of (attribute.subAttributes ?? []).filter(isWritable)) {
          const item = { ...(sampleItem(attribute) as object), [sub.name]: wrongItem(sub) };
          const value = asValue(attribute, item);
          expect(validator.safeParse(value).success, JSON.stringify(value)).toBe(false);
        }
      });
    }
  });
}
