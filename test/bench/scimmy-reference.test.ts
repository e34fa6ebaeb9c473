import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entraUser } from "./http-load.js";
import { referenceApp } from "./scimmy-reference.js";

const TOKEN = "reference-token-0123456789abcdef";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

let server: Server;
let base: string;

beforeAll(async () => {
  server = referenceApp(TOKEN).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/scim+json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("the benches' SCIMMY reference", () => {
  it("keeps the enterprise extension of the users the benches send, as ours does", async () => {
    const created = await call("POST", "/Users", entraUser(1));
    expect(created.status).toBe(201);
    expect(created.body[ENTERPRISE]).toEqual({ department: "dept-1" });
    const read = await call("GET", `/Users/${created.body.id}`);
    expect(read.body[ENTERPRISE]).toEqual({ department: "dept-1" });
  });
});
