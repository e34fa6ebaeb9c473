import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import cosmosQuery from "@zeit/cosmosdb-query";
import { expect, test } from "vitest";

const require_ = createRequire(`${process.cwd()}/package.json`);

/**
 * patches/@zeit+cosmosdb-query+0.7.2.patch (3): the embedded server's SQL parser memoizes its
 * rules. Without it, each level of parentheses multiplies the parsing work by about four, and the
 * query below (30 levels) would not be parsed within this test's life.
 */
test("the embedded server's SQL parser is memoized (packrat): nested parentheses parse in linear work", () => {
  const source = readFileSync(require_.resolve("@zeit/cosmosdb-query/lib/parser.js"), "utf8");
  expect(source).toContain("peg$parsesql = peg$memoize(peg$parsesql");
  let where = "c.n.u = @p0";
  for (let depth = 1; depth <= 30; depth++) {
    where = `c.n.u = @p${depth} ${depth % 2 ? "OR" : "AND"} (${where})`;
  }
  const items = [
    { id: "1", _rid: "a", n: { u: "x" } },
    { id: "2", _rid: "b", n: { u: "y" } },
  ];
  const parameters = Array.from({ length: 31 }, (_, i) => ({ name: `@p${i}`, value: "x" }));
  const { result } = cosmosQuery(`SELECT * FROM c WHERE ${where}`).exec(items, { parameters });
  expect(result.map((item: { id: string }) => item.id)).toEqual(["1"]);
});
