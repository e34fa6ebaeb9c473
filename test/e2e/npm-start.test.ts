import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type CompiledProject,
  compileProject,
  startCompiled,
  writeCrashingWorker,
} from "../support/compiled-project.js";
import { type Client, scimCaller } from "../support/local-server.js";

/*
 * `npm start` itself (`node dist/shared/local/start.js`, compiled as `npm run build` compiles it):
 * the embedded Cosmos DB server on its own thread. The other end-to-end suites start the endpoint
 * in the test's process, with the server on the test's thread. Here the worker script is wrapped
 * so that one call ends the thread, which shows that the calls go there and what `npm start` does
 * then.
 */

const TOKEN = "npm-start-token-0123456789abcdef";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CRASH = "crash-the-database-thread";
let compiled: CompiledProject;
let child: ChildProcess;
let call: Client["call"];
let localFile: string;
let stderr: () => string;
let exited: Promise<number | null>;

beforeAll(async () => {
  compiled = compileProject();
  const worker = compiled.dist("shared/local/embedded-cosmos-worker.js");
  const real = compiled.dist("shared/local/embedded-cosmos-worker-real.js");
  renameSync(worker, real);
  writeCrashingWorker(worker, real, CRASH);
  localFile = path.join(compiled.root, ".scim-local.json");
  const server = await startCompiled(compiled.dist("shared/local/start.js"), {
    PORT: "0",
    SCIM_TOKEN: TOKEN,
    SCIM_LOCAL_FILE: localFile,
  });
  ({ child, exited, stderr } = server);
  call = scimCaller(server.tenantUrl, TOKEN);
}, 90_000);
afterAll(() => {
  if (child?.exitCode === null) child.kill("SIGKILL");
  compiled?.remove();
});

test("Entra's provisioning cycle works with the database on its own thread", async () => {
  const lookup = (name: string) =>
    call("GET", `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`);
  expect((await lookup("thread@contoso.com")).body.totalResults).toBe(0);
  const created = await call("POST", "/Users", { userName: "thread@contoso.com", active: true });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await lookup("THREAD@contoso.com")).body.Resources[0].id).toBe(id);
  expect((await call("POST", "/Users", { userName: "Thread@Contoso.com" })).body.scimType).toBe("uniqueness");

  const disabled = await call("PATCH", `/Users/${id}`, {
    schemas: [PATCH],
    Operations: [{ op: "Replace", path: "active", value: "False" }],
  });
  expect(disabled.body.active).toBe(false);

  const group = await call("POST", "/Groups", { displayName: "Thread group" });
  expect(group.status).toBe(201);
  const add = await call("PATCH", `/Groups/${group.body.id}`, {
    schemas: [PATCH],
    Operations: [{ op: "Add", path: "members", value: [{ value: id }] }],
  });
  expect(add.status).toBe(204);
  const read = await call("GET", `/Users/${id}`);
  expect(read.body.groups).toEqual([
    expect.objectContaining({ value: group.body.id, display: "Thread group" }),
  ]);
  expect(read.headers.get("etag")).toBe(read.body.meta.version);

  expect((await call("DELETE", `/Groups/${group.body.id}`)).status).toBe(204);
  expect((await call("GET", `/Users/${id}`)).body.groups).toBeUndefined();
  expect((await call("DELETE", `/Users/${id}`)).status).toBe(204);
  expect((await call("GET", `/Users/${id}`)).status).toBe(404);
});

test("its calls go to the database thread: when that thread ends, npm start says so and stops", async () => {
  expect(JSON.parse(readFileSync(localFile, "utf8"))).toMatchObject({ pid: child.pid });
  // A point read of this id reaches the thread, whose wrapper then ends it.
  await call("GET", `/Users/${CRASH}`).catch(() => undefined);
  expect(await exited).toBe(1);
  expect(stderr()).toMatch(/\[error\] The embedded Cosmos DB server's thread stopped: crashed on purpose\./);
  expect(stderr()).toMatch(/Its data \(in memory\) is gone; stopping\./);
  expect(existsSync(localFile)).toBe(false);
});
