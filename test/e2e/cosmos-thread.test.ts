import { afterAll, beforeAll, expect, test } from "vitest";
import { startEmbeddedCosmosThread } from "../../shared/local/embedded-cosmos-thread.js";
import { bundledCosmosWorker } from "../support/cosmos-worker-bundle.js";
import { type Client, startServer } from "../support/local-server.js";

/*
 * The endpoint as `npm start` runs it: the embedded Cosmos DB server on its own thread. The other
 * end-to-end suites run it on the test's thread; this one walks Entra's cycle across the thread.
 */

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let c: Client;
let worker: Awaited<ReturnType<typeof bundledCosmosWorker>>;

beforeAll(async () => {
  worker = await bundledCosmosWorker();
  c = await startServer({}, undefined, () => startEmbeddedCosmosThread({ workerFile: worker.file }));
}, 30_000);
afterAll(async () => {
  await c?.server.close();
  worker?.remove();
});

test("Entra's provisioning cycle works with the database on its own thread", async () => {
  const lookup = (name: string) =>
    c.call("GET", `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`);
  expect((await lookup("thread@contoso.com")).body.totalResults).toBe(0);
  const created = await c.call("POST", "/Users", { userName: "thread@contoso.com", active: true });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await lookup("THREAD@contoso.com")).body.Resources[0].id).toBe(id);
  expect((await c.call("POST", "/Users", { userName: "Thread@Contoso.com" })).body.scimType).toBe(
    "uniqueness",
  );

  const disabled = await c.call("PATCH", `/Users/${id}`, {
    schemas: [PATCH],
    Operations: [{ op: "Replace", path: "active", value: "False" }],
  });
  expect(disabled.body.active).toBe(false);

  const group = await c.call("POST", "/Groups", { displayName: "Thread group" });
  expect(group.status).toBe(201);
  const add = await c.call("PATCH", `/Groups/${group.body.id}`, {
    schemas: [PATCH],
    Operations: [{ op: "Add", path: "members", value: [{ value: id }] }],
  });
  expect(add.status).toBe(204);
  const read = await c.call("GET", `/Users/${id}`);
  expect(read.body.groups).toEqual([
    expect.objectContaining({ value: group.body.id, display: "Thread group" }),
  ]);
  expect(read.headers.get("etag")).toBe(read.body.meta.version);

  expect((await c.call("DELETE", `/Groups/${group.body.id}`)).status).toBe(204);
  expect((await c.call("GET", `/Users/${id}`)).body.groups).toBeUndefined();
  expect((await c.call("DELETE", `/Users/${id}`)).status).toBe(204);
  expect((await c.call("GET", `/Users/${id}`)).status).toBe(404);
});
