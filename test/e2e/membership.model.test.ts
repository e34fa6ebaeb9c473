import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";
import { check, runSteps, type Send, startModel, steps } from "../support/membership-model.js";

/**
 * Memberships against a model, over HTTP (test/support/membership-model.ts): after each random
 * sequence every group's `members`, every user's `groups` (with the group's current name) and the
 * `members[value eq ...]` filter must equal the model's direct memberships. Half the runs give
 * groups names long enough that a user's `groups` copy overflows at two groups.
 */

let c: Client;
let run = 0;
beforeAll(async () => {
  c = await startServer();
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

/** Runs generated sequences through `send` and checks each against the model. */
const holdsTheModel = (send: Send, prefix: string, numRuns: number) =>
  fc.assert(
    fc.asyncProperty(steps, fc.boolean(), async (sequence, long) => {
      const tag = `${prefix}${++run}-${Date.now().toString(36)}`;
      const m = await startModel(send, tag, long);
      await runSteps(send, m, sequence, tag);
      await check(send, m, tag);
    }),
    { seed: Number(process.env.FUZZ_SEED ?? 20261201), numRuns: Number(process.env.FUZZ_RUNS ?? numRuns) },
  );

describe("memberships against a model", () => {
  test("random sequences, some operations sent at once, leave members, groups and filters as the model", async () => {
    await holdsTheModel((method, path, body) => c.call(method, path, body), "mm", 40);
  }, 300_000);
});

/**
 * Each write as the one operation of a /Bulk request (RFC 7644 §3.7), its result read back as the
 * answer of the plain request: the same model must hold, so /Bulk runs each method as its own
 * endpoint does. Reads (the checks) go direct.
 */
const bulkSend =
  (direct: Send): Send =>
  async (method, path, body) => {
    if (method === "GET") return direct(method, path, body);
    const reply = await direct("POST", "/Bulk", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
      Operations: [{ method, path, ...(method === "POST" ? { bulkId: "b1" } : {}), data: body }],
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const [result] = reply.body.Operations as { status: string; location?: string; response?: unknown }[];
    const status = Number(result?.status);
    const id = status === 201 ? result?.location?.split("/").pop() : undefined;
    return { ...reply, status, body: result?.response ?? (id ? { id } : undefined) };
  };

describe("memberships against a model, through /Bulk", () => {
  test("the same sequences, each write one /Bulk operation, leave the state the model says", async () => {
    await holdsTheModel(
      bulkSend((method, path, body) => c.call(method, path, body)),
      "mb",
      20,
    );
  }, 300_000);
});
