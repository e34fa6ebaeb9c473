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

/**
 * The three member changes, each made on a new group whose one member is `a`: which request, and
 * the status that says it went through.
 */
const changes = {
  "PATCH Add": async (g: string, _a: string, b: string) => ({
    request: () => c.call("PATCH", `/Groups/${g}`, members("Add", b)),
    done: 204,
  }),
  "PATCH Remove": async (g: string, a: string) => ({
    request: () => c.call("PATCH", `/Groups/${g}`, members("Remove", a)),
    done: 204,
  }),
  "PUT adding a member": async (g: string, a: string, b: string) => {
    const { displayName } = (await c.call("GET", `/Groups/${g}`)).body;
    const body = { displayName, members: [{ value: a }, { value: b }] };
    return { request: () => c.call("PUT", `/Groups/${g}`, body), done: 200 };
  },
};
const cases = Object.keys(changes) as (keyof typeof changes)[];

/** A group with one member, the change to make to it, and the version before that change. */
async function setUp(kind: keyof typeof changes) {
  const [a, b] = [await user(), await user()];
  const g = await group([a]);
  return { g, ...(await changes[kind](g.id, a, b)) };
}

describe("a member change interrupted before the group's bump, then retried", () => {
  test.each(cases)("%s moves the version on its retry", async (kind) => {
    const { g, request, done } = await setUp(kind);
    faulted.proxy.reset(bumpFails);
    const interrupted = await request();
    faulted.proxy.reset();
    await faulted.proxy.idle();
    expect(interrupted.status).toBe(503);
    const retried = await request();
    expect(retried.status).toBe(done);
    await expectMoved(g.id, g.version, retried.headers.get("etag"));
  });
});

describe("a membership write whose answer was lost (the write landed)", () => {
  test.each(cases)("%s still moves the version", async (kind) => {
    const { g, request, done } = await setUp(kind);
    faulted.proxy.reset(firstMembershipWriteLost());
    const r = await request();
    faulted.proxy.reset();
    await faulted.proxy.idle();
    expect(r.status).toBe(done);
    await expectMoved(g.id, g.version, r.headers.get("etag"));
  });
});
