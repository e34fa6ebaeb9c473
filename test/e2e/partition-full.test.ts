import { afterAll, beforeAll, expect, test } from "vitest";
import { type FaultedServer, startFaultedServer } from "../support/faulted-server.js";

/**
 * A tenant is one logical partition per container, and Cosmos DB holds at most 20 GB in one
 * (Azure Cosmos DB service quotas). Past it every write is refused with 403, substatus 1014; the
 * embedded server has no such limit, so the proxy answers as Cosmos DB does, through the real SDK.
 */

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let faulted: FaultedServer;

beforeAll(async () => {
  faulted = await startFaultedServer("partition-full");
}, 60_000);
afterAll(async () => {
  await faulted?.close();
});

test("a write refused as over the partition's 20 GB is 507 naming the limit; reads go on", async () => {
  const { client: c, proxy } = faulted;
  const group = await c.call("POST", "/Groups", { displayName: "full partition" });
  expect(group.status).toBe(201);
  const member = await c.call("POST", "/Users", { userName: "member@full.example" });
  expect(member.status).toBe(201);

  proxy.reset((_, request) => (request.method === "GET" ? undefined : { kind: "partitionFull" }));
  const created = await c.call("POST", "/Users", { userName: "one.too.many@full.example" });
  const added = await c.call("PATCH", `/Groups/${group.body.id}`, {
    schemas: [PATCH],
    Operations: [{ op: "add", path: "members", value: [{ value: member.body.id }] }],
  });
  proxy.reset();

  for (const r of [created, added]) {
    expect(r.status).toBe(507);
    expect(r.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "507",
      detail: expect.stringContaining("20 GB"),
    });
  }
  const read = await c.call("GET", `/Groups/${group.body.id}`);
  expect(read.status).toBe(200);
  expect(read.body.members ?? []).toEqual([]);
  const lookup = await c.call(
    "GET",
    `/Users?filter=${encodeURIComponent('userName eq "one.too.many@full.example"')}`,
  );
  expect(lookup.body.totalResults).toBe(0);
});
