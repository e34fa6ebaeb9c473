import { createRequire } from "node:module";
import { type Container, CosmosClient, type SqlParameter } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  EMULATOR_KEY,
  type EmbeddedCosmos,
  startEmbeddedCosmos,
} from "../../shared/local/embedded-cosmos.js";
import { equalityTerms } from "../../shared/local/unique-key-lookups.js";

// The embedded server's query engine: each query's `exec` receives the documents it runs over.
const load = createRequire(__filename);
const makeQuery = load("@zeit/cosmosdb-query").default as (sql: string) => {
  ast: Parameters<typeof equalityTerms>[0];
  exec(collection: unknown[], options: unknown): unknown;
};
const QueryProto = Object.getPrototypeOf(makeQuery("SELECT * FROM c")) as {
  exec(this: unknown, collection: unknown[], options: unknown): unknown;
};

let cosmos: EmbeddedCosmos;
let users: Container;
const USERS = 300;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  const client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: EMULATOR_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { database } = await client.databases.createIfNotExists({ id: "lookups" });
  ({ container: users } = await database.containers.createIfNotExists({
    id: "users",
    partitionKey: { paths: ["/tenantId"] },
    uniqueKeyPolicy: { uniqueKeys: [{ paths: ["/normalized/userName"] }] },
  }));
  for (const tenantId of ["t1", "t2"]) {
    for (let i = 0; i < USERS; i++) {
      await users.items.create({
        id: `${tenantId}-u${i}`,
        tenantId,
        normalized: { userName: `user${i}@contoso.com`, active: i % 2 === 0 },
      });
    }
  }
  // A value of another type whose string form is a lookup value: never a match for the string.
  await users.items.create({ id: "numeric", tenantId: "t1", normalized: { userName: 42 } });
}, 60_000);
afterAll(async () => {
  await cosmos?.close();
});

/** Runs a query, recording how many documents the engine was given to run it over. */
async function run(query: string, parameters: SqlParameter[]) {
  const sizes: number[] = [];
  const exec = QueryProto.exec;
  QueryProto.exec = function (collection, options) {
    sizes.push(collection.length);
    return exec.call(this, collection, options);
  };
  try {
    const { resources } = await users.items.query({ query, parameters }, { partitionKey: "t1" }).fetchAll();
    return { resources: resources as unknown[], scanned: Math.max(...sizes) };
  } finally {
    QueryProto.exec = exec;
  }
}

const LOOKUP = 'SELECT c.id FROM c WHERE c.tenantId = @tenant AND (c.normalized["userName"] = @p0)';

describe("unique-key lookups on the embedded server", () => {
  test("an Entra lookup runs over the one document the unique-key index names", async () => {
    const found = await run(LOOKUP, [
      { name: "@tenant", value: "t1" },
      { name: "@p0", value: "user7@contoso.com" },
    ]);
    expect(found).toEqual({ resources: [{ id: "t1-u7" }], scanned: 1 });
    const missing = await run(LOOKUP, [
      { name: "@tenant", value: "t1" },
      { name: "@p0", value: "nobody@contoso.com" },
    ]);
    expect(missing).toEqual({ resources: [], scanned: 0 });
    // By id, in the other order, and with the engine's other forms of the same query.
    const byId = await run("SELECT VALUE COUNT(1) FROM c WHERE c.id = @id AND @t = c.tenantId", [
      { name: "@t", value: "t1" },
      { name: "@id", value: "t1-u3" },
    ]);
    expect(byId).toEqual({ resources: [1], scanned: 1 });
  });

  test("the same answers as a scan, for matches, misses, other tenants and other types", async () => {
    const cases: [string, SqlParameter[]][] = [
      [
        LOOKUP,
        [
          { name: "@tenant", value: "t1" },
          { name: "@p0", value: "user1@contoso.com" },
        ],
      ],
      [
        LOOKUP,
        [
          { name: "@tenant", value: "t2" },
          { name: "@p0", value: "user1@contoso.com" },
        ],
      ],
      [
        LOOKUP,
        [
          { name: "@tenant", value: "t9" },
          { name: "@p0", value: "user1@contoso.com" },
        ],
      ],
      [
        LOOKUP,
        [
          { name: "@tenant", value: "t1" },
          { name: "@p0", value: "42" },
        ],
      ],
      [
        LOOKUP,
        [
          { name: "@tenant", value: "t1" },
          { name: "@p0", value: 42 },
        ],
      ],
      [
        `${LOOKUP.replace("SELECT c.id", "SELECT TOP 1 c.id")} AND c.normalized.active = @a ORDER BY c.id`,
        [
          { name: "@tenant", value: "t1" },
          { name: "@p0", value: "user2@contoso.com" },
          { name: "@a", value: true },
        ],
      ],
      [
        `${LOOKUP} AND c.normalized.active = @a`,
        [
          { name: "@tenant", value: "t1" },
          { name: "@p0", value: "user3@contoso.com" },
          { name: "@a", value: true },
        ],
      ],
    ];
    for (const [query, parameters] of cases) {
      // `OR false` at the top defeats the index: the engine scans, the reference answer.
      const scan = await run(
        query.replace(" WHERE ", " WHERE (").replace(/( ORDER BY .*)?$/, ") OR false$1"),
        [...parameters],
      );
      expect(scan.scanned, query).toBeGreaterThan(USERS);
      const indexed = await run(query, parameters);
      expect(indexed.resources, `${query} ${JSON.stringify(parameters)}`).toEqual(scan.resources);
    }
  });

  test("queries the index cannot decide scan as before", async () => {
    const tenant = { name: "@tenant", value: "t1" };
    const scans: [string, SqlParameter[]][] = [
      ["SELECT c.id FROM c WHERE c.tenantId = @tenant", [tenant]],
      ["SELECT c.id FROM c WHERE c.normalized.userName = @p0", [{ name: "@p0", value: "user1@contoso.com" }]],
      [
        "SELECT c.id FROM c WHERE c.tenantId = @tenant AND c.normalized.active = @a",
        [tenant, { name: "@a", value: true }],
      ],
      [
        "SELECT c.id FROM c WHERE c.tenantId = @tenant AND (c.normalized.userName = @p0 OR c.id = @p0)",
        [tenant, { name: "@p0", value: "user1@contoso.com" }],
      ],
    ];
    for (const [query, parameters] of scans)
      expect((await run(query, parameters)).scanned, query).toBeGreaterThan(USERS);
  });
});

describe("equalityTerms", () => {
  const terms = (sql: string) => Object.fromEntries(equalityTerms(makeQuery(sql).ast));

  test("the path = @parameter terms of the top-level conjunction, over the root alias", () => {
    expect(terms('SELECT * FROM c WHERE c.tenantId = @t AND (c.normalized["userName"] = @p0)')).toEqual({
      "/tenantId": "@t",
      "/normalized/userName": "@p0",
    });
    expect(terms("SELECT * FROM root r WHERE @t = r.tenantId AND r.id = @i AND r.n.x > @y")).toEqual({
      "/tenantId": "@t",
      "/id": "@i",
    });
  });

  test("nothing under OR or NOT, nothing over another alias, nothing compared to a constant", () => {
    expect(terms("SELECT * FROM c WHERE c.a = @a OR c.b = @b")).toEqual({});
    expect(terms("SELECT * FROM c WHERE NOT (c.a = @a)")).toEqual({});
    expect(terms("SELECT * FROM c JOIN t IN c.tags WHERE t.name = @n")).toEqual({});
    expect(terms("SELECT * FROM c WHERE c.a = 'x' AND c[@p] = @v")).toEqual({});
    expect(terms("SELECT * FROM c")).toEqual({});
  });
});
