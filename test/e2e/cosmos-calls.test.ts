import { afterAll, beforeAll, expect, test } from "vitest";
import { createServices, type Services } from "../../shared/services.js";
import { type CallCount, countCosmosCalls } from "../support/cosmos-calls.js";
import { startTestCosmos, type TestCosmos } from "../support/test-cosmos.js";

let cosmos: TestCosmos;
let services: Services;
let rows: CallCount[];

beforeAll(async () => {
  cosmos = await startTestCosmos();
  services = await createServices(cosmos.env);
  rows = await countCosmosCalls(services);
}, 120_000);
afterAll(async () => {
  await cosmos?.close();
});

test("each SCIM operation makes at most its target number of Cosmos DB calls", () => {
  expect(rows.length).toBeGreaterThan(15);
  for (const row of rows) {
    if (row.target !== undefined) expect(row.calls, row.operation).toBeLessThanOrEqual(row.target);
  }
});

test("adding or removing one member costs the same whatever the group size", () => {
  const adds = rows.filter((r) => r.operation.includes("add one member")).map((r) => r.calls);
  const removes = rows.filter((r) => r.operation.includes("remove one member")).map((r) => r.calls);
  expect(adds).toHaveLength(2);
  expect(new Set(adds).size).toBe(1);
  expect(new Set(removes).size).toBe(1);
});
