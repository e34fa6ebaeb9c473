import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { tokenEndpointUrl } from "../../shared/discovery/authentication-schemes.js";
import { type Client, startServer, TOKEN } from "../support/local-server.js";

let c: Client;
const lines: string[] = [];
const everything: string[] = [];

beforeAll(async () => {
  c = await startServer({}, (level, message) => {
    everything.push(`${level}: ${message}`);
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

async function traceOf(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  lines.length = 0;
  const reply = await c.call(method, path, body, headers);
  expect(lines, `${method} ${path}`).toHaveLength(1);
  const [, calls, charge, status] = TRACE.exec(lines[0] ?? "") ?? [];
  expect(Number(status)).toBe(reply.status);
  return { calls: Number(calls), charge: Number(charge), reply };
}

test("every SCIM request logs one line with its Cosmos DB calls, request charge and status, in the form the Kusto query parses, refused ones too", async () => {
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

  // Refused before any operation runs: still one line each.
  const unauthenticated = await traceOf("GET", "/Users", undefined, { Authorization: "Bearer wrong" });
  expect(unauthenticated.reply.status).toBe(401);
  expect(unauthenticated.calls).toBe(0);
  const unparsable = await traceOf("POST", "/Users", "{not json");
  expect(unparsable.reply.status).toBe(400);
  expect(unparsable.calls).toBe(0);
});

test("the README's cost query parses the line in that form and weights sampled rows by itemCount", () => {
  const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
  expect(readme).toContain(`| ${PARSE}\n`);
  expect(readme).toContain("total_ru = sum(ru * itemCount)");
});

/** Sends the headers and the start of a body, then hangs up. */
function hangUp(target: string, contentType: string) {
  const url = new URL(target);
  return new Promise<void>((resolve) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": contentType, "Content-Length": "1000" },
    });
    req.on("error", () => undefined);
    req.on("close", () => resolve());
    req.write('{"userName":"gone', () => setTimeout(() => req.destroy(), 50));
  });
}

test("a client that hangs up in the middle of its body is a 400 in the logs, not an unexpected error", async () => {
  lines.length = 0;
  everything.length = 0;
  await hangUp(`${c.baseUrl}/Users`, "application/scim+json");
  await expect.poll(() => lines.length).toBe(1);
  expect(lines[0]).toMatch(/ status=400$/);
  // The token endpoint logs no cost line: give it the time the SCIM request took, then look.
  await hangUp(tokenEndpointUrl(c.baseUrl), "application/x-www-form-urlencoded");
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(everything.join("\n")).not.toMatch(/Unexpected error|Local host failure/);
});

test("the Authentication failed line is what docs/tenants.md's query extracts from, and the query weights sampled rows", async () => {
  const doc = readFileSync(path.resolve(__dirname, "../../docs/tenants.md"), "utf8");
  const query =
    /```kusto\n(traces \| where message startswith "Authentication failed"[^`]*)```/.exec(doc)?.[1] ?? "";
  const extract = (name: string) => {
    const pattern = new RegExp(`extract\\("(${name}=[^"]*)", 1, message\\)`).exec(query)?.[1] ?? "";
    // A Kusto string literal: \\ is one backslash.
    return new RegExp(pattern.replaceAll("\\\\", "\\"));
  };
  everything.length = 0;
  await c.call("GET", "/Users", undefined, { Authorization: "Bearer wrong" });
  await c.call("GET", "/Users", undefined, { Authorization: "" });
  const failed = everything.filter((l) => l.startsWith("warning: Authentication failed: "));
  expect(failed).toHaveLength(2);
  expect(extract("reason").exec(failed[0] ?? "")?.[1]).toBe("unknown_token");
  expect(extract("fingerprint").exec(failed[0] ?? "")?.[1]).toMatch(/^[0-9a-f]{8}$/);
  expect(extract("reason").exec(failed[1] ?? "")?.[1]).toBe("missing");
  expect(query).toContain("sum(itemCount)");
});
