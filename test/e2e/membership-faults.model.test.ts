import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  EMULATOR_KEY,
  type EmbeddedCosmos,
  startEmbeddedCosmos,
} from "../../shared/local/embedded-cosmos.js";
import { FAULTS, type Fault, type FaultProxy, startFaultProxy } from "../support/fault-proxy.js";
import { type Client, type Reply, startServer } from "../support/local-server.js";
import { check, runSteps, type Send, startModel, steps } from "../support/membership-model.js";

/**
 * The membership model (test/support/membership-model.ts) with Cosmos DB faults at random calls:
 * each call through the fault proxy meets, at a rate drawn per run, one of the faults real Cosmos
 * DB produces (429, 503, 408, 410, 449, a dropped connection, rarely a response lost to the request
 * timeout). The client retries a throttled or unavailable answer as Entra does. No answer may be a
 * 500, every operation must end as it would without faults, and the state must equal the model.
 */

let cosmos: EmbeddedCosmos;
let proxy: FaultProxy;
let c: Client;
let run = 0;
const saved = { ...process.env };

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  proxy = await startFaultProxy(cosmos.endpoint);
  c = await startServer({
    COSMOS_ENDPOINT: proxy.endpoint,
    COSMOS_KEY: EMULATOR_KEY,
    COSMOS_DATABASE: "membership-faults",
    COSMOS_REQUEST_TIMEOUT_MS: "500",
    SCIM_REQUEST_BUDGET_MS: "600",
  });
}, 60_000);
afterAll(async () => {
  await c?.server.close();
  await proxy?.close();
  await cosmos?.close();
  process.env = saved;
});

/** mulberry32: a small seeded generator, so that a failing run replays from its fast-check seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUICK = FAULTS.filter((f) => f.kind !== "delay");
const SLOW = FAULTS.filter((f) => f.kind === "delay");

/** Faults at `rate` of the calls; one fault in ten a lost response (each costs the request timeout). */
function plan(seed: number, rate: number): (n: number) => Fault | undefined {
  const next = random(seed);
  return () => {
    if (next() >= rate) return undefined;
    const pool = next() < 0.1 ? SLOW : QUICK;
    return pool[Math.floor(next() * pool.length)];
  };
}

const transient = (r: Reply) => r.status === 429 || r.status === 503;

/**
 * What Entra does with a throttled or unavailable answer: send the request again. A create that
 * then meets its own earlier success (409) is looked up and replaced with the body it meant to
 * create, and ends as a create; a delete that then meets 404 is done.
 */
const entraSend: Send = async (method, path, body) => {
  let reply = await c.call(method, path, body);
  let retried = false;
  for (let attempt = 0; attempt < 10 && transient(reply); attempt++) {
    expect(
      reply.headers.get("retry-after"),
      `${method} ${path}: ${reply.status} without Retry-After`,
    ).toBeTruthy();
    await proxy.idle();
    retried = true;
    reply = await c.call(method, path, body);
    expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).not.toBe(500);
  }
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(500);
  if (retried && method === "POST" && reply.status === 409) {
    // Found again among the run's resources (all carry its externalId): a name long enough to
    // overflow a user's copy is longer than a filter may be.
    const sent = body as { externalId: string; userName?: string; displayName?: string };
    const endpoint = sent.userName ? "Users" : "Groups";
    const found = await entraSend("POST", `/${endpoint}/.search`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: `externalId eq "${sent.externalId}"`,
      count: 1000,
    });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    const same = (r: { userName?: string; displayName?: string }) =>
      sent.userName ? r.userName === sent.userName : r.displayName === sent.displayName;
    const id = found.body.Resources.find(same)?.id as string;
    expect(id, `the created ${endpoint} is found again`).toBeDefined();
    const replaced = await entraSend("PUT", `/${endpoint}/${id}`, body);
    expect(replaced.status).toBe(200);
    return { ...replaced, status: 201 };
  }
  if (retried && method === "DELETE" && reply.status === 404) return { ...reply, status: 204 };
  return reply;
};

describe("memberships against a model, with Cosmos DB faults", () => {
  test("random sequences under random faults, retried as Entra does, leave the state the model says", async () => {
    await fc.assert(
      fc.asyncProperty(
        steps,
        fc.boolean(),
        fc.integer(),
        fc.constantFrom(0.03, 0.08, 0.15),
        async (sequence, long, seed, rate) => {
          const tag = `mf${++run}-${Date.now().toString(36)}`;
          proxy.reset();
          const m = await startModel(entraSend, tag, long);
          proxy.reset(plan(seed, rate));
          // A write delayed past its request's timeout lands before the next step, as in faults.test.ts.
          await runSteps(entraSend, m, sequence, tag, () => proxy.idle());
          proxy.reset();
          await proxy.idle();
          await check(entraSend, m, tag);
        },
      ),
      { seed: Number(process.env.FUZZ_SEED ?? 20261201), numRuns: Number(process.env.FUZZ_RUNS ?? 15) },
    );
  }, 600_000);
});
