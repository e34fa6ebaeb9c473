import { afterAll, beforeAll, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

let c: Client;
const warnings: string[] = [];

beforeAll(async () => {
  c = await startServer({ SCIM_MAX_BODY_BYTE: "2048" }, (level, message) => {
    if (level === "warning") warnings.push(message);
  });
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

test("a mistyped setting is named in a warning once per instance, and requests still work", async () => {
  expect((await c.call("GET", "/ServiceProviderConfig")).status).toBe(200);
  expect((await c.call("GET", "/Users?count=1")).status).toBe(200);
  const reports = warnings.filter((w) => w.includes("Ignored settings"));
  expect(reports).toHaveLength(1);
  expect(reports[0]).toContain("SCIM_MAX_BODY_BYTE");
});
