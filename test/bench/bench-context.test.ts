import { describe, expect, it } from "vitest";
import { median } from "./bench-context.js";

describe("bench median", () => {
  it("is the middle value of an odd count, whatever the order", () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it("is the mean of the two middle values of an even count (the query bench's 30 runs)", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 20])).toBe(15);
  });

  it("is NaN for no values", () => {
    expect(median([])).toBeNaN();
  });
});
