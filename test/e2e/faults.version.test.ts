import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Fault, FaultPlan } from "../support/fault-proxy.js";
import { type FaultedServer, startFaultedServer } from "../support/faulted-server.js";
import type { Client } from "../support/local-server.js";

/**
 * A group's `meta.version` moves when its members change (RFC 7643 §3.1), so that an `If-Match`
 * or `If-None-Match` taken before the change no longer passes. A member change whose membership
 * writes landed but whose bump of the group did not (the bump's calls failing until the budget
 * ran out, or a membership write's answer lost) must still move the version once it is retried:
 * a retry finds the memberships written and has nothing left to write.
 */

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let faulted: FaultedServer;
let c: Client;
let seq = 0;

beforeAll(async () => {
  faulted = await startFaultedServer("faults-version");
  c = faulted.client;
}, 60_000);
afterAll(async () => {
  await faulted?.close();
});

const user = async () => {
  const r = await c.call("POST", "/Users", { userName: `v${++seq}@version.example` });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const group = async (members: string[]) => {
  const r = await c.call("POST", "/Groups", {
    displayName: `versioned ${++seq}`,
    members: members.map((value) => ({ value })),
  });
  expect(r.status).toBe(201);
  return { id: r.body.id as string, version: r.headers.get("etag") as string };
};
const members = (op: "Add" | "Remove", id: string) => ({
  schemas: [PATCH],
  Operations: [{ op, path: "members", value: [{ value: id }] }],
});

/** Cosmos DB's partial update of a group document (the bump of its `meta`), failing with 503. */
const bumpFails: FaultPlan = (_, request) =>
  request.method === "PATCH" && request.path.includes("/colls/groups/docs/")
    ? { kind: "status", status: 503 }
    : undefined;

/** The first membership write lands with its answer lost. */
const firstMembershipWriteLost = (): FaultPlan => {
  let writes = 0;
  return (_, request): Fault | undefined =>
    request.method !== "GET" &&
    !request.query &&
    request.path.includes("/colls/memberships/docs") &&
    writes++ === 0
      ? { kind: "lost" }
      : undefined;
};

/** The version before the change no longer passes: not current for GET, refused as If-Match. */
async function expectMoved(id: string, before: string, answered: string | null) {
  const now = await c.call("GET", `/Groups/${id}`);
  expect(now.headers.get("etag")).not.toBe(before);
  expect(answered).toBe(now.headers.get("etag"));
  const cached = await c.call("GET", `/Groups/${id}`, undefined, { "If-None-Match": before });
  expect(cached.status).toBe(200);
  const stale = await c.call(
    "PUT",
    `/Groups/${id}`,
    { displayName: now.body.displayName, members: [] },
    {
      "If-Match": before,
    },
  );
  expect(stale.status).toBe(412);
}

describe("a member change interrupted before the group's bump, then retried", () => {
  test.each(["Add", "Remove"] as const)("PATCH %s moves the version on its retry", async (op) => {
    const [a, b] = [await user(), await user()];
    const g = await group([a]);
    const call = () => c.call("PATCH", `/Groups/${g.id}`, members(op, op === "Add" ? b : a));
    faulted.proxy.reset(bumpFails);
    const interrupted = await call();
    faulted.proxy.reset();
    await faulted.proxy.idle();
    expect(interrupted.status).toBe(503);
    const retried = await call();
    expect(retried.status).toBe(204);
    await expectMoved(g.id, g.version, retried.headers.get("etag"));
  });

  test("PUT adding a member moves the version on its retry", async () => {
    const [a, b] = [await user(), await user()];
    const g = await group([a]);
    const name = (await c.call("GET", `/Groups/${g.id}`)).body.displayName;
    const call = () =>
      c.call("PUT", `/Groups/${g.id}`, { displayName: name, members: [{ value: a }, { value: b }] });
    faulted.proxy.reset(bumpFails);
    const interrupted = await call();
    faulted.proxy.reset();
    await faulted.proxy.idle();
    expect(interrupted.status).toBe(503);
    const retried = await call();
    expect(retried.status).toBe(200);
    await expectMoved(g.id, g.version, retried.headers.get("etag"));
  });
});

describe("a membership write whose answer was lost (the write landed)", () => {
  test.each(["Add", "Remove"] as const)("PATCH %s still moves the version", async (op) => {
    const [a, b] = [await user(), await user()];
    const g = await group([a]);
    faulted.proxy.reset(firstMembershipWriteLost());
    const r = await c.call("PATCH", `/Groups/${g.id}`, members(op, op === "Add" ? b : a));
    faulted.proxy.reset();
    await faulted.proxy.idle();
    expect(r.status).toBe(204);
    await expectMoved(g.id, g.version, r.headers.get("etag"));
  });

  test("PUT adding a member still moves the version", async () => {
    const [a, b] = [await user(), await user()];
    const g = await group([a]);
    const name = (await c.call("GET", `/Groups/${g.id}`)).body.displayName;
    faulted.proxy.reset(firstMembershipWriteLost());
    const r = await c.call("PUT", `/Groups/${g.id}`, {
      displayName: name,
      members: [{ value: a }, { value: b }],
    });
    faulted.proxy.reset();
    await faulted.proxy.idle();
    expect(r.status).toBe(200);
    await expectMoved(g.id, g.version, r.headers.get("etag"));
  });
});
