import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

let c: Client;
const lines: string[] = [];

beforeAll(async () => {
  c = await startServer({}, (_level, message) => {
    if (message.startsWith("Cosmos DB: ")) lines.push(message);
  });
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

// The README's Observe query reads this line with PARSE (checked below).
const PARSE =
  'parse message with "Cosmos DB: calls=" calls:int " requestCharge=" ru:real " status=" status:int';
const TRACE = /^Cosmos DB: calls=(\d+) requestCharge=(\d+\.\d\d) status=(\d{3})$/;

async function traceOf(method: string, path: string, body?: unknown) {
  lines.length = 0;
  const reply = await c.call(method, path, body);
  expect(lines, `${method} ${path}`).toHaveLength(1);
  const [, calls, charge, status] = TRACE.exec(lines[0] ?? "") ?? [];
  expect(Number(status)).toBe(reply.status);
  return { calls: Number(calls), charge: Number(charge), reply };
}

test("every SCIM request logs one line with its Cosmos DB calls, request charge and status, in the form the Kusto query parses", async () => {
  const created = await traceOf("POST", "/Users", { userName: "observe@contoso.com" });
  expect(created.reply.status).toBe(201);
  expect(created.calls).toBe(1);
  // The embedded server charges 1 per call (real Cosmos DB reports real RU): the sum is per request.
  expect(created.charge).toBe(1);

  const read = await traceOf("GET", `/Users/${created.reply.body.id}`);
  expect(read.calls).toBe(1);

  const missing = await traceOf("GET", "/Users/no-such-user");
  expect(missing.reply.status).toBe(404);
  expect(missing.calls).toBe(1);

  const invalid = await traceOf("GET", `/Users?filter=${encodeURIComponent("userName eq")}`);
  expect(invalid.reply.status).toBe(400);
  expect(invalid.calls).toBe(0);
});

test("the README's cost query parses the line in that form and weights sampled rows by itemCount", () => {
  const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
  expect(readme).toContain(`| ${PARSE}\n`);
  expect(readme).toContain("total_ru = sum(ru * itemCount)");
});
