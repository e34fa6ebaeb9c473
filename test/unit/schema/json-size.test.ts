import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { jsonSize } from "../../../shared/schema/json-size.js";

const exact = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

describe("jsonSize", () => {
  test("is the serialised size, whatever the characters", () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "binary" }), (value) => {
        expect(jsonSize(value)).toBe(exact(value));
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ["quotes and controls", 'a"\\\n\u0001'],
    ["a lone surrogate", "x\ud800y"],
    ["a surrogate pair", "😀"],
    [
      "every control, DEL and the C1 controls",
      String.fromCharCode(...Array.from({ length: 0xa0 }, (_, i) => i)),
    ],
  ])("measures %s", (_, text) => {
    expect(jsonSize({ text })).toBe(exact({ text }));
  });

  test("leaves out what JSON.stringify leaves out, and writes null in arrays", () => {
    const value = { a: undefined, b: [undefined, () => 1], c: new Date(0), d: Number.NaN };
    expect(jsonSize(value)).toBe(exact(value));
  });
});
