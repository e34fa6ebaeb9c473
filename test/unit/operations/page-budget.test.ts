import { describe, expect, test } from "vitest";
import { fitInBudget } from "../../../shared/operations/page-budget.js";

/** A resource whose JSON (`{"v":"..."}`) takes exactly `bytes` bytes. */
const sized = (bytes: number) => ({ v: "x".repeat(bytes - 8) });

describe("fitInBudget", () => {
  test.each([
    ["all fit", [100, 100, 100], 302, 3],
    ["the commas count too", [100, 100, 100], 301, 2],
    ["stops at the first that passes, even if a later one would fit", [100, 500, 10], 400, 1],
    ["one larger than the budget still comes alone", [5000, 10], 400, 1],
    ["an empty page", [], 400, 0],
  ])("%s", (_, sizes, budget, expected) => {
    expect(fitInBudget(sizes.map(sized), budget)).toBe(expected);
  });
});
