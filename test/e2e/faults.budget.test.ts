import { afterAll, beforeAll, expect, test } from "vitest";
import type { Fault } from "../support/fault-proxy.js";
import { type FaultedServer, startFaultedServer } from "../support/faulted-server.js";

/**
 * A write that lands on the server while its answer is lost, and Cosmos DB then unavailable until
 * the request's budget (600 ms here) is spent: the request answers 503 without knowing whether its
 * write happened. What it did before must then stay consistent with the write having happened.
 */

let faulted: FaultedServer;

beforeAll(async () => {
  faulted = await startFaultedServer("faults-budget");
}, 60_000);
afterAll(async () => {
  await faulted?.close();
});

/** The first create in `container` lands with its answer lost; the later ones meet `then`. */
const lostThen = (container: string, then: Fault) => {
  let creates = 0;
  return (_: number, request: { method: string; path: string }): Fault | undefined =>
    request.method === "POST" && request.path.endsWith(`/colls/${container}/docs`)
      ? creates++ === 0
        ? { kind: "lost" }
        : then
      : undefined;
};

test("POST /Groups whose create landed unseen before the budget ran out keeps its members", async () => {
  const { client: c, proxy } = faulted;
  const ids: string[] = [];
  for (const name of ["a", "b"]) {
    const r = await c.call("POST", "/Users", { userName: `${name}@budget.example` });
    expect(r.status).toBe(201);
    ids.push(r.body.id);
  }
  // Group creates and membership queries are both POSTs: only the groups container's are faulted.
  proxy.reset(lostThen("groups", { kind: "status", status: 503 }));
  const created = await c.call("POST", "/Groups", {
    displayName: "landed unseen",
    members: ids.map((value) => ({ value })),
  });
  proxy.reset();
  await proxy.idle();
  // Cosmos DB answers again once the budget is spent: the request finds its group and says so.
  expect(created.status).toBe(201);

  // The group exists (its create landed): it shows the members the request wrote for it, and they their group.
  const found = await c.call("GET", `/Groups?filter=${encodeURIComponent('displayName eq "landed unseen"')}`);
  expect(found.body.totalResults).toBe(1);
  const group = found.body.Resources[0];
  expect(group.members.map((m: { value: string }) => m.value).sort()).toEqual([...ids].sort());
  for (const id of ids) {
    const user = await c.call("GET", `/Users/${id}`);
    expect(user.body.groups?.map((g: { value: string }) => g.value)).toEqual([group.id]);
  }
  expect(created.body.id).toBe(group.id);
  expect(created.body.members).toHaveLength(2);
});
