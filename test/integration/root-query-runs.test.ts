import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createResource } from "../../shared/operations/create-resource.js";
import type { Scope } from "../../shared/operations/operation.js";
import { listAll } from "../../shared/operations/root-query.js";
import { createServices, type Services } from "../../shared/services.js";
import type { ResourceStore } from "../../shared/store/resource-store.js";
import { request } from "../support/cosmos-calls.js";
import { startTestCosmos, type TestCosmos } from "../support/test-cosmos.js";

/**
 * The server root's sorted query reads a sort's second run (resources without a value) only when
 * the page reaches it, and counts every resource when a page of count=0 reads none.
 */
let cosmos: TestCosmos;
let services: Services;
let tenant: string;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  services = await createServices(cosmos.env);
  tenant = cosmos.tenant("root-runs");
  const titles = ["b", "a", "c", undefined, undefined];
  for (const [i, title] of titles.entries()) {
    const body = { userName: `runs${i}@example.com`, ...(title ? { title } : {}) };
    await createResource("User")(request("POST", "/Users", body), services.scope(tenant));
  }
  await createResource("Group")(request("POST", "/Groups", { displayName: "Runs" }), services.scope(tenant));
}, 120_000);
afterAll(async () => {
  await cosmos?.close();
});

/** The root query in a scope whose user store records the WHERE of every query it is asked. */
async function rootQuery(query: string) {
  const scope = services.scope(tenant);
  const wheres: string[] = [];
  const spy: ResourceStore = Object.create(scope.users);
  spy.query = (spec) => {
    wheres.push(spec.where ?? "");
    return scope.users.query(spec);
  };
  const response = await listAll(request("GET", `/?${query}`), { ...scope, users: spy } as Scope);
  const body = response.body as { totalResults: number; Resources: { title?: string }[] };
  return { body, wheres };
}

describe("root query over the runs of a sort", () => {
  test("a page filled from the first run never queries the second", async () => {
    const { body, wheres } = await rootQuery("sortBy=title&count=2");
    expect(body.Resources.map((r) => r.title)).toEqual(["a", "b"]);
    expect(wheres.length).toBeGreaterThan(0);
    expect(wheres.filter((w) => w.includes("NOT IS_DEFINED"))).toEqual([]);
  });

  test("a page that reaches past the first run reads the second, in the RFC's order", async () => {
    const { body, wheres } = await rootQuery("sortBy=title&count=10");
    expect(body.Resources.map((r) => r.title)).toEqual(["a", "b", "c", undefined, undefined, undefined]);
    expect(wheres.some((w) => w.includes("NOT IS_DEFINED"))).toBe(true);
  });

  test.each(["count=0", "count=0&sortBy=title", "count=0&cursor="])(
    "%s: totalResults counts every resource, and no cursor is given",
    async (query) => {
      const { body } = await rootQuery(query);
      expect(body).toMatchObject({ totalResults: 6, Resources: [] });
      expect(body).not.toHaveProperty("nextCursor");
    },
  );
});
