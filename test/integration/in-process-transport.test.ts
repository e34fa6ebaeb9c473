import { existsSync } from "node:fs";
import net from "node:net";
import { Readable } from "node:stream";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { type Container, CosmosClient, ErrorResponse } from "@azure/cosmos";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import {
  EMULATOR_KEY,
  type EmbeddedCosmos,
  startEmbeddedCosmos,
} from "../../shared/local/embedded-cosmos.js";
import { defaultWorkerFile, startEmbeddedCosmosThread } from "../../shared/local/embedded-cosmos-thread.js";
import { createCosmosClient, registerInProcessServer } from "../../shared/store/cosmos-client.js";
import { type CompiledProject, compileProject, writeCrashingWorker } from "../support/compiled-project.js";

let cosmos: EmbeddedCosmos;

const settings = (endpoint: string) => ({
  endpoint,
  key: EMULATOR_KEY,
  database: "db",
  createContainers: true,
  requestTimeoutMs: 10_000,
  managedIdentityClientId: undefined,
});

/** A client of the embedded server over HTTP, as another process reaches it. */
const overHttp = (endpoint: string) =>
  new CosmosClient({ endpoint, key: EMULATOR_KEY, connectionPolicy: { enableEndpointDiscovery: false } });

async function container(client: CosmosClient, id: string): Promise<Container> {
  const { database } = await client.databases.createIfNotExists({ id: "db" });
  const { container } = await database.containers.createIfNotExists({
    id,
    partitionKey: { paths: ["/t"] },
    uniqueKeyPolicy: { uniqueKeys: [{ paths: ["/name"] }] },
  });
  return container;
}

/** The status (or error code) and the documents' own fields of one SDK call. */
async function outcome(
  call: () => Promise<{ statusCode?: number; resource?: unknown; resources?: unknown }>,
) {
  const strip = (doc: unknown) => {
    if (!doc || typeof doc !== "object") return doc;
    const { _ts, _etag, _rid, _self, _attachments, ...own } = doc as Record<string, unknown>;
    return own;
  };
  try {
    const result = await call();
    const resources = Array.isArray(result.resources) ? result.resources.map(strip) : undefined;
    return { status: result.statusCode, resource: strip(result.resource), resources };
  } catch (error) {
    if (error instanceof ErrorResponse) return { error: error.code };
    throw error;
  }
}

/** The same calls, whichever transport `c` uses; the ids are prefixed so both runs share a server. */
async function script(c: Container, prefix: string) {
  const id = (n: string) => `${prefix}${n}`;
  const created = await c.items.create({ id: id("a"), t: "x", name: id("alice"), v: 1 });
  const etag = created.etag ?? "";
  return [
    { status: created.statusCode, hasEtag: etag.length > 0, charge: created.requestCharge },
    await outcome(() => c.items.create({ id: id("b"), t: "x", name: id("alice") })), // unique key: 409
    await outcome(() => c.items.create({ id: id("a"), t: "x", name: id("other") })), // id: 409
    await outcome(() => c.item(id("a"), "x").read()),
    await outcome(() => c.item(id("missing"), "x").read()), // 404 is a result, not an error
    await outcome(() => c.item(id("a"), "x").replace({ id: id("a"), t: "x", name: id("alice"), v: 2 })),
    await outcome(() =>
      c.item(id("a"), "x").replace(
        { id: id("a"), t: "x", name: id("alice"), v: 3 },
        { accessCondition: { type: "IfMatch", condition: etag } }, // stale: 412
      ),
    ),
    await outcome(() =>
      c.items
        .query(
          { query: "SELECT * FROM c WHERE c.name = @n", parameters: [{ name: "@n", value: id("alice") }] },
          { partitionKey: "x" },
        )
        .fetchAll(),
    ),
    await outcome(() => c.item(id("a"), "x").delete()),
    await outcome(() => c.item(id("a"), "x").delete()), // already gone: 404
  ];
}

/** A create whose signal is already aborted fails as an aborted HTTP call does, and writes nothing. */
async function abortedCreateWritesNothing(endpoint: string) {
  const c = await container(createCosmosClient(settings(endpoint)), "aborted");
  const controller = new AbortController();
  controller.abort();
  await expect(
    c.items.create({ id: "z", t: "x", name: "z" }, { abortSignal: controller.signal }),
  ).rejects.toMatchObject({ name: "AbortError" });
  expect((await c.item("z", "x").read()).statusCode).toBe(404);
}

/**
 * A body the transport cannot pass on (a stream) goes over HTTP to the server's listening socket,
 * and lands as a body passed on does.
 */
async function streamBodyGoesOverHttp(server: EmbeddedCosmos, containerId: string) {
  const c = await container(createCosmosClient(settings(server.endpoint)), containerId);
  const port = new URL(server.endpoint).port;
  const connects = vi.spyOn(net.Socket.prototype, "connect");
  const doc = JSON.stringify({ id: "streamed", t: "x", name: "streamed" });
  const response = await server.transport.sendRequest(
    createPipelineRequest({
      url: `${server.endpoint}/dbs/db/colls/${containerId}/docs`,
      method: "POST",
      headers: createHttpHeaders({
        "content-type": "application/json",
        "x-ms-documentdb-partitionkey": '["x"]',
      }),
      body: () => Readable.from([Buffer.from(doc)]),
      // As the SDK marks its requests to an http: endpoint.
      allowInsecureConnection: true,
    }),
  );
  expect(response.status).toBe(201);
  expect(connects.mock.calls.filter(([o]) => JSON.stringify(o ?? "").includes(port)).length).toBeGreaterThan(
    0,
  );
  expect((await c.item("streamed", "x").read()).resource).toMatchObject({ name: "streamed" });
}

/** The outcomes `script` must produce, whichever way it reaches the server. */
const statusesOf = (results: Awaited<ReturnType<typeof script>>) =>
  results.map((r) => ("error" in r ? r.error : (r.status ?? "rows"))).join(" ");
const SCRIPT_STATUSES = "201 409 409 200 404 200 412 rows 204 404";

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
});
afterAll(async () => {
  await cosmos?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("in-process transport to the embedded server", () => {
  test("this process's clients reach it without opening a socket; another client still can over HTTP", async () => {
    const port = Number(new URL(cosmos.endpoint).port);
    const connects = vi.spyOn(net.Socket.prototype, "connect");
    const toPort = () =>
      connects.mock.calls.filter(([options]) => JSON.stringify(options ?? "").includes(String(port))).length;

    const c = await container(createCosmosClient(settings(cosmos.endpoint)), "quiet");
    await c.items.create({ id: "q", t: "x", name: "q" });
    expect((await c.item("q", "x").read()).resource).toMatchObject({ id: "q" });
    expect(toPort()).toBe(0);

    // The spy sees sockets: a client outside the registry connects to the same server.
    const other = await container(overHttp(cosmos.endpoint), "quiet");
    expect((await other.item("q", "x").read()).resource).toMatchObject({ id: "q" });
    expect(toPort()).toBeGreaterThan(0);
  });

  test("answers as the server answers over HTTP: statuses, conflicts, ETags, queries, deletes", async () => {
    const inProcess = await container(createCosmosClient(settings(cosmos.endpoint)), "same");
    const http = await container(overHttp(cosmos.endpoint), "same");
    const viaHttp = await script(http, "h-");
    const viaProcess = await script(inProcess, "p-");
    const unprefix = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(/"[hp]-/g, '"'));
    expect(unprefix(viaProcess)).toEqual(unprefix(viaHttp));
    // Sanity: the script exercises what it claims.
    expect(statusesOf(viaHttp)).toBe(SCRIPT_STATUSES);
  });

  test("a call whose signal is already aborted fails as an aborted HTTP call does, and writes nothing", async () => {
    await abortedCreateWritesNothing(cosmos.endpoint);
  });

  test("a stream body goes over HTTP to the listening server", async () => {
    await streamBodyGoesOverHttp(cosmos, "streamed");
  });

  // The embedded server accepts any credential; an HMAC of the key per call cost a third of a point
  // read's CPU. A client of a server elsewhere (the emulator over HTTP) still signs.
  test("in-process calls carry a fixed Authorization header, not a signature of the key", async () => {
    const seen: string[] = [];
    const endpoint = "http://127.0.0.1:9";
    const unregister = registerInProcessServer(endpoint, {
      sendRequest: async (request) => {
        seen.push(request.headers.get("authorization") ?? "");
        return {
          request,
          status: 200,
          headers: createHttpHeaders({ "content-type": "application/json" }),
          bodyAsText: JSON.stringify({ id: "db", _rid: "AA==", _self: "dbs/AA==/", _etag: '"1"' }),
        };
      },
    });
    try {
      const client = createCosmosClient(settings(endpoint));
      await client.database("db").read();
      await client.database("db").read();
    } finally {
      unregister();
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const header of seen) expect(decodeURIComponent(header)).toBe("type=master&ver=1.0&sig=in-process");
  });

  test("after close, nothing routes to the stopped server in-process", async () => {
    const short = await startEmbeddedCosmos();
    await short.close();
    const client = createCosmosClient({ ...settings(short.endpoint), requestTimeoutMs: 2_000 });
    await expect(client.databases.createIfNotExists({ id: "db" })).rejects.toThrow();
  });
});

describe("the embedded server on a thread of its own (npm start)", () => {
  let thread: EmbeddedCosmos;
  let compiled: CompiledProject;
  let workerFile: string;
  beforeAll(async () => {
    compiled = compileProject();
    workerFile = compiled.dist("shared/local/embedded-cosmos-worker.js");
    thread = await startEmbeddedCosmosThread({ workerFile });
  }, 60_000);
  afterAll(async () => {
    await thread?.close();
    compiled?.remove();
  });

  test("npm start's default worker script is the compiled form of the worker entry beside it", () => {
    expect(existsSync(defaultWorkerFile().replace(/\.js$/, ".ts"))).toBe(true);
  });

  test("answers as the server answers over HTTP, and this thread's clients open no socket to it", async () => {
    const port = Number(new URL(thread.endpoint).port);
    const connects = vi.spyOn(net.Socket.prototype, "connect");
    const byMessage = await container(createCosmosClient(settings(thread.endpoint)), "same");
    const viaThread = await script(byMessage, "t-");
    expect(connects.mock.calls.filter(([o]) => JSON.stringify(o ?? "").includes(String(port)))).toEqual([]);
    const viaHttp = await script(await container(overHttp(thread.endpoint), "same"), "h-");
    const unprefix = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(/"[ht]-/g, '"'));
    expect(unprefix(viaThread)).toEqual(unprefix(viaHttp));
    expect(statusesOf(viaThread)).toBe(SCRIPT_STATUSES);
  });

  test("many calls in flight each get their own answer", async () => {
    const c = await container(createCosmosClient(settings(thread.endpoint)), "many");
    const ids = Array.from({ length: 200 }, (_, i) => `m${i}`);
    await Promise.all(ids.map((id) => c.items.create({ id, t: "x", name: id })));
    const read = await Promise.all(ids.map((id) => c.item(id, "x").read()));
    expect(read.map((r) => r.resource?.id)).toEqual(ids);
  });

  test("a call whose signal is already aborted fails as an aborted HTTP call does, and writes nothing", async () => {
    await abortedCreateWritesNothing(thread.endpoint);
  });

  test("a stream body goes over HTTP to the listening server", async () => {
    await streamBodyGoesOverHttp(thread, "streamed");
  });

  test("a thread that stops fails its calls as a dropped connection, once reported; close stops routing", async () => {
    const crashing = compiled.dist("crashing-worker.js");
    writeCrashingWorker(crashing, workerFile, "crash-now");
    const stops: Error[] = [];
    const short = await startEmbeddedCosmosThread({
      workerFile: crashing,
      onStopped: (e) => stops.push(e),
    });
    try {
      const c = await container(createCosmosClient(settings(short.endpoint)), "crash");
      await c.items.create({ id: "kept", t: "x", name: "kept" });
      const call = (id: string) =>
        short.transport.sendRequest(
          createPipelineRequest({ url: `${short.endpoint}/dbs/db/colls/crash/docs/${id}`, method: "GET" }),
        );
      await expect(call("crash-now")).rejects.toMatchObject({ code: "ECONNRESET" });
      await expect(call("kept")).rejects.toMatchObject({ code: "ECONNRESET" });
      expect(stops).toHaveLength(1);
      expect(stops[0]?.message).toMatch(/thread stopped: crashed on purpose/);
    } finally {
      await short.close();
    }
    expect(stops).toHaveLength(1); // close() after a stop reports nothing more

    const closed = await startEmbeddedCosmosThread({
      workerFile,
      onStopped: (e) => stops.push(e),
    });
    await closed.close();
    expect(stops).toHaveLength(1); // a close is not a stop
    const client = createCosmosClient({ ...settings(closed.endpoint), requestTimeoutMs: 2_000 });
    await expect(client.databases.createIfNotExists({ id: "db" })).rejects.toThrow();
  });

  test("a worker that cannot start fails the start, not later calls", async () => {
    await expect(startEmbeddedCosmosThread({ workerFile: "/nonexistent/worker.cjs" })).rejects.toThrow();
  });
});
