import { describe, expect, it } from "vitest";
import type { ScimErrorCode } from "../../../shared/errors/scim-error.js";
import type { PatchOperation } from "../../../shared/patch/parse-patch-request.js";
import {
  MAX_PATCH_OPERATIONS,
  PATCH_OP_SCHEMA,
  parsePatchRequest,
} from "../../../shared/patch/parse-patch-request.js";
import { deepFreeze, expectScimError } from "./patch-fixtures.js";

const body = (Operations: unknown[]) => deepFreeze({ schemas: [PATCH_OP_SCHEMA], Operations });

describe("parsePatchRequest (RFC 7644 §3.5.2)", () => {
  const valid: { name: string; body: unknown; expected: PatchOperation[] }[] = [
    {
      name: "Entra without the flag: capitalised ops",
      body: body([
        { op: "Replace", path: "active", value: "False" },
        { op: "Add", path: "title", value: "CEO" },
        { op: "Remove", path: "nickName" },
      ]),
      expected: [
        { op: "replace", path: "active", value: "False" },
        { op: "add", path: "title", value: "CEO" },
        { op: "remove", path: "nickName" },
      ],
    },
    {
      name: "Entra with the flag: lower-case ops and a path-less replace",
      body: body([{ op: "replace", value: { displayName: "X" } }]),
      expected: [{ op: "replace", value: { displayName: "X" } }],
    },
    {
      name: "member names matched case-insensitively",
      body: { SCHEMAS: [PATCH_OP_SCHEMA], operations: [{ OP: "ADD", Path: " title ", Value: "x" }] },
      expected: [{ op: "add", path: "title", value: "x" }],
    },
    {
      name: "a null value is kept for replace (it unassigns) and a null path means none",
      body: body([
        { op: "replace", path: null, value: { title: "x" } },
        { op: "replace", path: "title", value: null },
      ]),
      expected: [
        { op: "replace", value: { title: "x" } },
        { op: "replace", path: "title", value: null },
      ],
    },
    {
      name: "the schema URN compared case-insensitively",
      body: { schemas: [PATCH_OP_SCHEMA.toUpperCase()], Operations: [{ op: "remove", path: "title" }] },
      expected: [{ op: "remove", path: "title" }],
    },
  ];
  it.each(valid)("$name", ({ body, expected }) => {
    expect(parsePatchRequest(body)).toEqual(expected);
  });

  const invalid: { name: string; body: unknown; code: ScimErrorCode; mentions: string[] }[] = [
    { name: "an array body", body: [], code: "invalidSyntax", mentions: ["JSON object"] },
    { name: "a string body", body: "x", code: "invalidSyntax", mentions: ["JSON object"] },
    { name: "a null body", body: null, code: "invalidSyntax", mentions: ["JSON object"] },
    {
      name: "no PatchOp schema",
      body: { schemas: ["urn:other"], Operations: [{ op: "add", path: "a", value: 1 }] },
      code: "invalidValue",
      mentions: [PATCH_OP_SCHEMA],
    },
    {
      name: "schemas not an array",
      body: { schemas: PATCH_OP_SCHEMA, Operations: [] },
      code: "invalidValue",
      mentions: ["schemas"],
    },
    {
      name: "no Operations",
      body: { schemas: [PATCH_OP_SCHEMA] },
      code: "invalidValue",
      mentions: ["Operations"],
    },
    { name: "empty Operations", body: body([]), code: "invalidValue", mentions: ["non-empty"] },
    {
      name: "Operations not an array",
      body: { schemas: [PATCH_OP_SCHEMA], Operations: {} },
      code: "invalidValue",
      mentions: ["Operations"],
    },
    {
      name: "an operation that is not an object",
      body: body(["add"]),
      code: "invalidSyntax",
      mentions: ["Operations[0]"],
    },
    {
      name: "an unknown op",
      body: body([
        { op: "add", path: "a", value: 1 },
        { op: "move", path: "a" },
      ]),
      code: "invalidValue",
      mentions: ["Operations[1].op", '"move"'],
    },
    {
      name: "a missing op",
      body: body([{ path: "a" }]),
      code: "invalidValue",
      mentions: ["Operations[0].op"],
    },
    {
      name: "a non-string path",
      body: body([{ op: "remove", path: 3 }]),
      code: "invalidPath",
      mentions: ["Operations[0].path"],
    },
    {
      name: "an empty path",
      body: body([{ op: "remove", path: "  " }]),
      code: "invalidPath",
      mentions: ["empty"],
    },
    {
      name: "remove without path",
      body: body([{ op: "Remove" }]),
      code: "noTarget",
      mentions: ["Operations[0]", "path"],
    },
    {
      name: "add without value",
      body: body([{ op: "Add", path: "title" }]),
      code: "invalidValue",
      mentions: ["add", "value"],
    },
    {
      name: "replace without value",
      body: body([{ op: "replace" }]),
      code: "invalidValue",
      mentions: ["replace", "value"],
    },
  ];
  it.each(invalid)("rejects $name with $code", ({ body, code, mentions }) => {
    expectScimError(() => parsePatchRequest(body), code, ...mentions);
  });

  it(`limits a request to ${MAX_PATCH_OPERATIONS} operations (invalidValue naming the limit)`, () => {
    const many = Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: "remove", path: "title" }));
    expectScimError(() => parsePatchRequest(body(many)), "invalidValue", String(MAX_PATCH_OPERATIONS));
    expect(parsePatchRequest(body(many.slice(1)))).toHaveLength(MAX_PATCH_OPERATIONS);
    expectScimError(() => parsePatchRequest(body(many.slice(0, 3)), 2), "invalidValue", "at most 2");
  });
});
