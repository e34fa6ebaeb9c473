import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAULTS, type Fault, type FaultProxy } from "../support/fault-proxy.js";
import { type FaultedServer, startFaultedServer } from "../support/faulted-server.js";
import type { Client, Reply } from "../support/local-server.js";
import { check, runSteps, type Send, startModel, steps } from "../support/membership-model.js";

/**
 * The membership model (test/support/membership-model.ts) with Cosmos DB faults at random calls:
 * each call through the fault proxy meets, at a rate drawn per run, one of the faults real Cosmos
 * DB produces (429, 503, 408, 410, 449, a dropped connection, rarely a response lost to the request
 * timeout). The client retries a throttled or unavailable answer as Entra does. No answer may be a
 * 500, every operation must end as it would without faults, and the state must equal the model.
 */

let faulted: FaultedServer;
let proxy: FaultProxy;
let c: Client;
let run = 0;

beforeAll(async () => {
  faulted = await startFaultedServer("model-faults");
  ({ proxy, client: c } = faulted);
}, 60_000);
afterAll(async () => {
  await faulted?.close();
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

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
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

/** One user attribute edit; edits of different attributes of one user commute, so two go at once. */
type Edit =
  | { attr: "title" | "displayName" | "nickName"; value: string | null }
  | { attr: "emails"; add?: string; remove?: number }
  | { attr: "active"; value: boolean };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    attr: fc.constantFrom("title" as const, "displayName" as const, "nickName" as const),
    value: fc.option(fc.constantFrom("A", "b", "Ce", "dé"), { nil: null }),
  }),
  fc.record({ attr: fc.constant("emails" as const), add: fc.constantFrom("x1", "x2", "x3", "x4") }),
  fc.record({ attr: fc.constant("emails" as const), remove: fc.nat(5) }),
  fc.record({ attr: fc.constant("active" as const), value: fc.boolean() }),
);
const edits = fc.array(
  fc.record({ user: fc.nat(2), first: edit, second: fc.option(edit, { nil: undefined }) }),
  { minLength: 1, maxLength: 10 },
);

interface UserModel {
  id: string;
  attrs: Record<string, string>;
  emails: string[];
  active: boolean;
}

/** The PatchOp Entra (or a careful client) sends for an edit, and what it does to the model. */
function patchFor(u: UserModel, e: Edit, tag: string): { ops: unknown[]; apply: () => void } | undefined {
  if (e.attr === "active") {
    // Entra's string form without the aadOptscim062020 flag.
    return {
      ops: [{ op: "Replace", path: "active", value: e.value ? "True" : "False" }],
      apply: () => (u.active = e.value),
    };
  }
  if (e.attr === "emails") {
    if (e.add !== undefined) {
      const value = `${e.add}.${tag}@x.y`;
      return {
        ops: [{ op: "Add", path: "emails", value: [{ value, type: "other" }] }],
        apply: () => void (u.emails.includes(value) || u.emails.push(value)),
      };
    }
    const value = u.emails[(e.remove ?? 0) % Math.max(u.emails.length, 1)];
    if (value === undefined) return undefined;
    return {
      ops: [{ op: "Remove", path: `emails[value eq "${value}"]` }],
      apply: () => (u.emails = u.emails.filter((x) => x !== value)),
    };
  }
  const { attr, value } = e;
  return value === null
    ? { ops: [{ op: "Remove", path: attr }], apply: () => delete u.attrs[attr] }
    : { ops: [{ op: "Replace", path: attr, value }], apply: () => (u.attrs[attr] = value) };
}

describe("user attributes against a model, with Cosmos DB faults", () => {
  test("PATCHes of one user's different attributes, two at once, under random faults, all land", async () => {
    await fc.assert(
      fc.asyncProperty(edits, fc.integer(), fc.constantFrom(0.05, 0.15), async (sequence, seed, rate) => {
        const tag = `uf${++run}-${Date.now().toString(36)}`;
        proxy.reset();
        const users: UserModel[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await entraSend("POST", "/Users", {
            userName: `${tag}.${i}@x.y`,
            externalId: tag,
            active: true,
          });
          expect(r.status).toBe(201);
          users.push({ id: r.body.id, attrs: {}, emails: [], active: true });
        }
        proxy.reset(plan(seed, rate));
        for (const { user, first, second } of sequence) {
          const u = users[user] as UserModel;
          const together = second && second.attr !== first.attr ? [first, second] : [first];
          const patches = together.map((e) => patchFor(u, e, tag)).filter((p) => p !== undefined);
          const replies = await Promise.all(
            patches.map((p) =>
              entraSend("PATCH", `/Users/${u.id}`, { schemas: [PATCH_OP], Operations: p.ops }),
            ),
          );
          for (const [i, r] of replies.entries()) {
            expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
            patches[i]?.apply();
          }
          await proxy.idle();
        }
        proxy.reset();
        await proxy.idle();
        for (const u of users) {
          const r = await c.call("GET", `/Users/${u.id}`);
          expect(r.status).toBe(200);
          for (const attr of ["title", "displayName", "nickName"])
            expect(r.body[attr], `${attr} of ${u.id}`).toBe(u.attrs[attr]);
          expect(r.body.active, `active of ${u.id}`).toBe(u.active);
          const emails = (r.body.emails ?? []).map((x: { value: string }) => x.value).sort();
          expect(emails, `emails of ${u.id}`).toEqual([...u.emails].sort());
        }
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261201), numRuns: Number(process.env.FUZZ_RUNS ?? 15) },
    );
  }, 600_000);
});
