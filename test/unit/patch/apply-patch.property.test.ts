import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PatchOperation } from "../../../shared/patch/parse-patch-request.js";
import { isBlank, type ScimObject } from "../../../shared/schema/scim-json.js";
import { applyPatch, deepFreeze, ENTERPRISE, User } from "./patch-fixtures.js";

/** Core User string attributes a client may write (readWrite, single-valued, simple). */
const STRING_ATTRIBUTES = User.coreAttributes
  .filter((a) => a.type === "string" && !a.multiValued && a.mutability === "readWrite")
  .map((a) => a.name);

/** Spells a name in random case: attribute names are case-insensitive (RFC 7643 §2.1). */
const anyCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(""));

const values = fc.dictionary(fc.constantFrom(...STRING_ATTRIBUTES), fc.string(), { minKeys: 1 });

const base = fc.record(
  {
    userName: fc.string({ minLength: 1 }),
    title: fc.string(),
    displayName: fc.string(),
    name: fc.record({ givenName: fc.string() }),
    [ENTERPRISE]: fc.record({ department: fc.string() }),
  },
  { requiredKeys: ["userName"] },
);

describe("applyPatch properties", () => {
  it("a path-less replace of core string attributes equals setting them directly", () => {
    fc.assert(
      fc.property(base, values, fc.boolean(), (resource, set, upper) => {
        // A blank userName is refused (required attribute); that case has its own tests.
        fc.pre(set.userName === undefined || !isBlank(set.userName));
        const spelled = Object.fromEntries(
          Object.entries(set).map(([k, v]) => [upper ? k.toUpperCase() : k, v] as const),
        );
        const operation: PatchOperation = { op: "replace", value: spelled };
        const { resource: out } = applyPatch(deepFreeze(resource as ScimObject), [operation], User);
        expect(out).toEqual({ ...resource, ...set });
      }),
    );
  });

  it("one replace per attribute, in any case spelling, equals one path-less replace", () => {
    const spelledValues = values.chain((set) =>
      fc
        .tuple(...Object.keys(set).map(anyCase))
        .map((names) => Object.entries(set).map(([k, v], i) => ({ path: names[i] ?? k, value: v }))),
    );
    fc.assert(
      fc.property(base, spelledValues, (resource, entries) => {
        fc.pre(entries.every((e) => e.path.toLowerCase() !== "username" || !isBlank(e.value)));
        const frozen = deepFreeze(resource as ScimObject);
        const each = applyPatch(
          frozen,
          entries.map((e): PatchOperation => ({ op: "replace", path: e.path, value: e.value })),
          User,
        );
        const value = Object.fromEntries(entries.map((e) => [e.path, e.value]));
        const once = applyPatch(frozen, [{ op: "replace", value }], User);
        expect(each.resource).toEqual(once.resource);
      }),
    );
  });

  it("never modifies its input, and a failing request changes nothing", () => {
    fc.assert(
      fc.property(base, values, (resource, set) => {
        const frozen = deepFreeze(resource as ScimObject);
        const snapshot = structuredClone(frozen);
        const operations: PatchOperation[] = [
          { op: "replace", value: set },
          { op: "add", path: "nosuch", value: "x" },
        ];
        expect(() => applyPatch(frozen, operations, User)).toThrow();
        expect(frozen).toEqual(snapshot);
      }),
    );
  });
});
