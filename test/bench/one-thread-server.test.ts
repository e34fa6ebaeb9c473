import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type CompiledProject,
  type CompiledServer,
  compileProject,
  startCompiled,
} from "../support/compiled-project.js";
import { type Client, scimCaller } from "../support/local-server.js";

/*
 * The side-by-side bench's fourth server (one-thread-server.ts), compiled as `npm run bench` runs
 * it: the endpoint with the embedded Cosmos DB server on the host's thread. The database thread's
 * entry is replaced by a script that fails at once, so the server serves only if it never starts
 * that thread.
 */

const TOKEN = "one-thread-token-0123456789abcdef";
let compiled: CompiledProject;
let server: CompiledServer;
let call: Client["call"];

beforeAll(async () => {
  compiled = compileProject();
  writeFileSync(
    compiled.dist("shared/local/embedded-cosmos-worker.js"),
    'throw new Error("the database thread was started");\n',
  );
  server = await startCompiled(compiled.dist("test/bench/one-thread-server.js"), {
    PORT: "0",
    SCIM_TOKEN: TOKEN,
  });
  call = scimCaller(server.tenantUrl, TOKEN);
}, 90_000);
afterAll(() => {
  if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  compiled?.remove();
});

test("serves SCIM with the database on the host's thread, and stops on SIGTERM", async () => {
  const created = await call("POST", "/Users", { userName: "one-thread@contoso.com" });
  expect(created.status).toBe(201);
  const read = await call("GET", `/Users/${created.body.id}`);
  expect(read.status).toBe(200);
  expect(read.body.userName).toBe("one-thread@contoso.com");
  server.child.kill("SIGTERM");
  expect(await server.exited).toBe(0);
});
