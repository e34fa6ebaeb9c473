import http from "node:http";
import { createRequire } from "node:module";
import { type Container, CosmosClient } from "@azure/cosmos";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import {
  EMULATOR_KEY,
  type EmbeddedCosmos,
  MINIMAL_QUERY_PLAN,
  startEmbeddedCosmos,
} from "../../shared/local/embedded-cosmos.js";
import { COSMOS_ITEM_LIMIT_BYTES } from "../../shared/local/item-size-limit.js";

// The embedded server's container query (what a plan request used to run a second time).
const load = createRequire(__filename);
const Items = (load("@vercel/cosmosdb-server/lib/account/items") as { default: { prototype: object } })
  .default;

let cosmos: EmbeddedCosmos;
let container: Container;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  const client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: EMULATOR_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { database } = await client.databases.createIfNotExists({ id: "db" });
  ({ container } = await database.containers.createIfNotExists({
    id: "c",
    partitionKey: { paths: ["/t"] },
  }));
  for (const [id, v] of [
    ["a", 3],
    ["b", 1],
    ["c", 2],
  ] as const) {
    await container.items.create({ id, t: "x", v });
  }
});
afterAll(async () => {
  await cosmos?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A raw request to the embedded server; `agent` to reuse one connection. */
function send(
  path: string,
  headers: Record<string, string>,
  body: string,
  agent?: http.Agent,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${cosmos.endpoint}${path}`,
      {
        method: "POST",
        headers: { "content-type": "application/query+json", ...headers },
        ...(agent ? { agent } : {}),
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, socket: req.socket }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const SDK_AGENT = "Node.js/20.0.0 (linux; x64) azure-cosmos-js/4.9.3";
const planHeaders = (userAgent: string) => ({
  "x-ms-cosmos-is-query-plan-request": "True",
  "x-ms-documentdb-query-enablecrosspartition": "true",
  "user-agent": userAgent,
});
const QUERY = JSON.stringify({ query: "SELECT * FROM c ORDER BY c.v" });

describe("embedded Cosmos DB front", () => {
  test("an SDK query runs once on the server: the plan request is answered without running it", async () => {
    const runs = vi.spyOn(Items.prototype as { query: () => unknown }, "query");
    const { resources } = await container.items
      .query<{ id: string }>(
        { query: "SELECT c.id FROM c WHERE c.t = @t ORDER BY c.v", parameters: [{ name: "@t", value: "x" }] },
        { partitionKey: "x" },
      )
      .fetchNext();
    expect(resources.map((r) => r.id)).toEqual(["b", "c", "a"]);
    expect(runs).toHaveBeenCalledTimes(1);
  });

  test("the installed SDK is the build whose query-plan use was verified (re-read it after an upgrade)", () => {
    const sdk = load("@azure/cosmos/package.json") as { version: string };
    expect(sdk.version).toBe("4.9.3");
  });

  test("the verified SDK's plan request gets the minimal plan", async () => {
    const runs = vi.spyOn(Items.prototype as { query: () => unknown }, "query");
    const answer = await send("/dbs/db/colls/c/docs", planHeaders(SDK_AGENT), QUERY);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(MINIMAL_QUERY_PLAN);
    expect(runs).not.toHaveBeenCalled();
  });

  test("any other client's plan request reaches the server unchanged", async () => {
    for (const agent of ["azure-cosmos-js/4.9.4", "azure-cosmos-js/3.17.3", "curl/8"]) {
      const answer = await send("/dbs/db/colls/c/docs", planHeaders(agent), QUERY);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ Documents: [{ id: "b" }, { id: "c" }, { id: "a" }] });
    }
  });

  test("the minimal plan is also right where the SDK does read it (forceQueryPlan)", async () => {
    const ordered = await container.items
      .query<{ id: string }>("SELECT c.id FROM c ORDER BY c.v DESC", { forceQueryPlan: true })
      .fetchAll();
    expect(ordered.resources.map((r) => r.id)).toEqual(["a", "c", "b"]);
    const count = await container.items
      .query<number>("SELECT VALUE COUNT(1) FROM c WHERE c.v > 1", { forceQueryPlan: true })
      .fetchAll();
    expect(count.resources).toEqual([2]);
  });

  test("connections are kept alive: consecutive requests share one socket", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send("/dbs/db/colls/c/docs", { "x-ms-documentdb-isquery": "true" }, QUERY, agent);
      const second = await send("/dbs/db/colls/c/docs", planHeaders(SDK_AGENT), QUERY, agent);
      const third = await send("/dbs/db/colls/c/docs", { "x-ms-documentdb-isquery": "true" }, QUERY, agent);
      expect(first.headers.connection).toBe("keep-alive");
      expect(second.headers.connection).toBe("keep-alive");
      expect(second.socket).toBe(first.socket);
      expect(third.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });
});

describe("embedded Cosmos DB item size limit (as Cosmos DB: 413 past 2 MiB, nothing written)", () => {
  /** An item whose JSON is exactly `bytes` long. */
  const itemOf = (id: string, bytes: number) => {
    const bare = JSON.stringify({ id, t: "x", pad: "" });
    return { id, t: "x", pad: "p".repeat(bytes - bare.length) };
  };
  const statusOf = async (call: Promise<unknown>) =>
    call.then(
      () => 200,
      (error: { code?: number }) => error.code,
    );

  test("a create up to the limit is stored; one byte more is refused with 413", async () => {
    await container.items.create(itemOf("at-limit", COSMOS_ITEM_LIMIT_BYTES));
    expect(await statusOf(container.items.create(itemOf("over-limit", COSMOS_ITEM_LIMIT_BYTES + 1)))).toBe(
      413,
    );
    expect((await container.item("over-limit", "x").read()).statusCode).toBe(404);
  });

  test("a replace and an upsert that would pass the limit are refused and change nothing", async () => {
    const { resource } = await container.items.create(itemOf("grows", 1000));
    expect(
      await statusOf(container.item("grows", "x").replace(itemOf("grows", COSMOS_ITEM_LIMIT_BYTES + 10))),
    ).toBe(413);
    expect(await statusOf(container.items.upsert(itemOf("grows", COSMOS_ITEM_LIMIT_BYTES + 10)))).toBe(413);
    const after = (await container.item("grows", "x").read()).resource;
    expect(after._etag).toBe(resource?._etag);
    expect(after.pad).toHaveLength(itemOf("grows", 1000).pad.length);
  });

  test("a patch is measured by the item it would produce", async () => {
    const { resource } = await container.items.create(itemOf("patched", COSMOS_ITEM_LIMIT_BYTES - 100));
    const add = (value: string) =>
      container.item("patched", "x").patch([{ op: "set", path: "/more", value }]);
    expect(await statusOf(add("m".repeat(200)))).toBe(413);
    expect((await container.item("patched", "x").read()).resource?._etag).toBe(resource?._etag);
    // A patch that shrinks it, or keeps it within the limit, goes through.
    await container.item("patched", "x").patch([{ op: "set", path: "/pad", value: "short" }]);
    await add("m".repeat(200));
  });

  test("inside a transactional batch, the oversize operation answers 413", async () => {
    const response = await container.items.batch(
      [
        { operationType: "Create", resourceBody: itemOf("batch-small", 100) },
        { operationType: "Create", resourceBody: itemOf("batch-big", COSMOS_ITEM_LIMIT_BYTES + 1) },
      ],
      "x",
    );
    expect(response.result?.map((r) => r.statusCode)).toEqual([201, 413]);
  });
});
