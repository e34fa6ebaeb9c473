import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FUZZ_TARGETS, type FuzzRequest, judgeAnswer, sendFuzzRequest } from "../support/fuzz-targets.js";
import { type Client, startServer, TOKEN } from "../support/local-server.js";

/**
 * Fuzzing over HTTP, seed-fixed (`npm run bench` runs 10,000 cases per target): never a 5xx, every
 * error a SCIM Error (each /Bulk operation's too), and a rejected request changes nothing (the
 * fixtures keep their versions).
 */

let c: Client;
let user: string;
let group: string;

beforeAll(async () => {
  c = await startServer();
  user = (await c.call("POST", "/Users", { userName: "fuzz.fixture@contoso.com" })).body.id;
  group = (await c.call("POST", "/Groups", { displayName: "Fuzz fixture", members: [{ value: user }] })).body
    .id;
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

const versions = async () => {
  const [u, g] = await Promise.all([c.call("GET", `/Users/${user}`), c.call("GET", `/Groups/${group}`)]);
  return [u.body?.meta?.version, g.body?.meta?.version, JSON.stringify(g.body?.members ?? null)];
};

const send = (request: FuzzRequest) => sendFuzzRequest(c.baseUrl, TOKEN, { user, group }, request);

describe.each(FUZZ_TARGETS)("fuzzing $name", (target) => {
  test("never a 5xx; errors are SCIM Errors; rejected requests change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(target.requests, async (request) => {
        const before = await versions();
        const reply = await send(request);
        const { problem, rejected } = judgeAnswer(reply);
        expect(problem, `${request.method} ${request.path}: ${reply.text.slice(0, 300)}`).toBeUndefined();
        if (rejected) expect(await versions()).toEqual(before);
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261130), numRuns: Number(process.env.FUZZ_RUNS ?? 120) },
    );
  }, 120_000);
});
