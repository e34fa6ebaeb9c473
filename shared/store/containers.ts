import definitions from "./containers.json";

/**
 * Container definitions shared with `infra/` (Bicep loads the same JSON with `loadJsonContent`), so
 * partition keys, unique keys and indexes cannot differ between the embedded default and Azure.
 */
export interface ContainerDefinition {
  id: "users" | "groups" | "memberships" | "tenants";
  partitionKey: { paths: string[]; kind: "Hash"; version: 2 };
  uniqueKeyPolicy?: { uniqueKeys: { paths: string[] }[] };
  /**
   * Time to live: `-1` turns it on without a default, so only items that carry their own `ttl`
   * (seconds) expire; absent, TTL is off and a `ttl` field is ignored.
   */
  defaultTtl?: number;
  indexingPolicy: {
    indexingMode: "consistent";
    automatic: boolean;
    includedPaths: { path: string }[];
    excludedPaths: { path: string }[];
    compositeIndexes?: { path: string; order: "ascending" | "descending" }[][];
  };
}

export const containerDefinitions = definitions as readonly ContainerDefinition[];
