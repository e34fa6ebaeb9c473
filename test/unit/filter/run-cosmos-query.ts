import { createRequire } from "node:module";
import cosmosQuery from "@zeit/cosmosdb-query";

/**
 * Runs SQL through @zeit/cosmosdb-query, the engine of the embedded emulator (@vercel/cosmosdb-server).
 *
 * `semantics: "cosmos"` patches the one documented place where that engine is more lenient than
 * real Cosmos DB: `=` / `!=` between different JSON types is undefined in Cosmos ("Equality and
 * comparison operators", learn.microsoft.com) but false/true in the engine. SQL that passes both
 * modes does not depend on the difference.
 */

type Equal = (a: unknown, b: unknown) => boolean | undefined;
const helpers = createRequire(`${process.cwd()}/package.json`)("@zeit/cosmosdb-query/lib/helpers") as {
  equal: Equal;
};
const engineEqual = helpers.equal;

const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const cosmosEqual: Equal = (a, b) => (jsonType(a) === jsonType(b) ? engineEqual(a, b) : undefined);

export type Semantics = "emulator" | "cosmos";

export function runCosmosQuery<T extends object>(
  sql: string,
  items: T[],
  parameters: { name: string; value: unknown }[],
  semantics: Semantics,
): T[] {
  helpers.equal = semantics === "cosmos" ? cosmosEqual : engineEqual;
  try {
    return cosmosQuery(sql).exec(items, { parameters }).result as T[];
  } finally {
    helpers.equal = engineEqual;
  }
}
