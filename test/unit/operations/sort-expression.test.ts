import { describe, expect, test } from "vitest";
import {
  compareSortKeys,
  orderDigest,
  sortExpression,
  specForRun,
} from "../../../shared/operations/sort-expression.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";

const { User, Group } = buildResourceTypes();
const TITLE = 'c["normalized"]["title"]';

describe("sortExpression runs (RFC 7644 §3.4.2.3: no value last when ascending, first when descending)", () => {
  test("an attribute a resource may lack is read with a value first when ascending", () => {
    expect(sortExpression(User, "title", "ascending")).toEqual({
      orderBy: `${TITLE} ASC, c.id ASC`,
      keys: ["title"],
      descending: false,
      runs: [`IS_DEFINED(${TITLE})`, `NOT IS_DEFINED(${TITLE})`],
    });
    expect(sortExpression(User, "title", "descending").runs).toEqual([
      `NOT IS_DEFINED(${TITLE})`,
      `IS_DEFINED(${TITLE})`,
    ]);
    // name is optional, so name.givenName may be missing even though nothing else is.
    expect(sortExpression(User, "name.givenName", "ascending").runs).toHaveLength(2);
  });

  test.each([
    [User, undefined],
    [User, "id"],
    [User, "userName"],
    [User, "meta.lastModified"],
    [Group, "displayName"],
  ] as const)("%s sorted by %s: every resource has a value, one run", (type, sortBy) => {
    expect(sortExpression(type, sortBy, "ascending").runs).toEqual([undefined]);
  });

  test("a run's condition is AND-ed to the filter and its continuation replaces the spec's", () => {
    const sort = sortExpression(User, "title", "ascending");
    const spec = {
      where: "(a OR b)",
      parameters: [],
      orderBy: sort.orderBy,
      maxItemCount: 10,
      continuation: "old",
    };
    expect(specForRun(spec, sort, 1, "next")).toEqual({
      where: `(a OR b) AND NOT IS_DEFINED(${TITLE})`,
      parameters: [],
      orderBy: sort.orderBy,
      maxItemCount: 10,
      continuation: "next",
    });
    expect(specForRun({ orderBy: sort.orderBy, maxItemCount: 10 }, sort, 0)).toEqual({
      where: `IS_DEFINED(${TITLE})`,
      orderBy: sort.orderBy,
      maxItemCount: 10,
    });
  });

  test("compareSortKeys puts a missing key after every value, and ties missing keys", () => {
    // Wrapped: Array.prototype.sort moves bare undefined elements last without asking the comparator.
    const keys = [{ k: "b" }, { k: undefined }, { k: "a" }, { k: undefined }, { k: "" }];
    expect(keys.sort((x, y) => compareSortKeys(x.k, y.k)).map((x) => x.k)).toEqual([
      "",
      "a",
      "b",
      undefined,
      undefined,
    ]);
    expect(compareSortKeys(undefined, undefined)).toBe(0);
  });

  test("a cursor's digest keeps the bare ORDER BY for one run (earlier cursors stay valid) and adds the runs otherwise", () => {
    const one = sortExpression(User, "userName", "ascending");
    expect(orderDigest(one)).toBe(one.orderBy);
    const two = sortExpression(User, "title", "ascending");
    expect(orderDigest(two)).toEqual([two.orderBy, two.runs]);
  });
});
