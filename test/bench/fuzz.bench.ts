import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { FUZZ_TARGETS, type FuzzRequest, judgeAnswer, sendFuzzRequest } from "../support/fuzz-targets.js";
import type { Bench } from "./bench-context.js";
import { Client, startOurs, TOKEN } from "./http-load.js";

/** Cases per target; BENCH_FUZZ_RUNS=500 for a quick run. */
const RUNS = Number(process.env.BENCH_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

interface Outcome {
  name: string;
  cases: number;
  rejected: number;
  serverErrors: number;
  seconds: number;
  failure?: string;
}

/**
 * The fuzz targets of `npm test` (test/e2e/fuzz.test.ts), at bench scale, against the endpoint as
 * `npm start` runs it (its own process): every answer below 500, every error a SCIM Error whose
 * status matches, no rejected request changing the fixtures, and the process still up at the end.
 */
const bench: Bench = async ({ log }) => {
  const server = await startOurs("fuzz");
  const client = new Client(server);
  const outcomes: Outcome[] = [];
  let alive = false;
  try {
    const user = (await client.ok<{ id: string }>("POST", "/Users", { userName: "fuzz.fixture@contoso.com" }))
      .id;
    const group = (
      await client.ok<{ id: string }>("POST", "/Groups", {
        displayName: "Fuzz fixture",
        members: [{ value: user }],
      })
    ).id;
    const versions = async () => {
      const [u, g] = await Promise.all([
        client.ok<{ meta: { version: string } }>("GET", `/Users/${user}`),
        client.ok<{ meta: { version: string }; members?: unknown }>("GET", `/Groups/${group}`),
      ]);
      return JSON.stringify([u.meta.version, g.meta.version, g.members ?? null]);
    };
    const send = (request: FuzzRequest) => sendFuzzRequest(server.baseUrl, TOKEN, { user, group }, request);
    for (const target of FUZZ_TARGETS) {
      const outcome: Outcome = { name: target.name, cases: 0, rejected: 0, serverErrors: 0, seconds: 0 };
      const start = performance.now();
      try {
        await fc.assert(
          fc.asyncProperty(target.requests, async (request) => {
            outcome.cases++;
            const before = await versions();
            const reply = await send(request);
            const what = `${request.method} ${request.path}`;
            const { problem, serverError, rejected } = judgeAnswer(reply);
            if (serverError) outcome.serverErrors++;
            if (problem) throw new Error(`${what}: ${problem}: ${reply.text.slice(0, 200)}`);
            if (!rejected) return;
            outcome.rejected++;
            if ((await versions()) !== before)
              throw new Error(`${what}: rejected (${reply.status}) but data changed`);
          }),
          { seed: SEED, numRuns: RUNS, endOnFailure: true },
        );
      } catch (error) {
        outcome.failure = (error instanceof Error ? error.message : String(error))
          .split("\n")
          .slice(0, 3)
          .join(" ");
      }
      outcome.seconds = (performance.now() - start) / 1000;
      outcomes.push(outcome);
      log(
        `fuzz ${target.name}: ${outcome.cases} cases, ${outcome.rejected} rejected, ${outcome.seconds.toFixed(1)} s` +
          (outcome.failure ? ` FAILED: ${outcome.failure}` : ""),
      );
    }
    alive = (await client.request("GET", "/ServiceProviderConfig")).status === 200;
  } finally {
    client.close();
    await server.stop();
  }
  const failed = outcomes.filter((o) => o.failure);
  const markdown = [
    `fast-check over HTTP, seed ${SEED}, ${RUNS.toLocaleString("en-US")} cases per target (the seed-fixed run in ` +
      "`npm test` is the same targets at a few hundred cases), against the endpoint as `npm start` runs it, in its " +
      "own process. Each case: the request, then for every answer of 400 or more, a check that it is a SCIM Error " +
      "(media type, schema, a `status` equal to the HTTP status, a `detail`) and that the fixture user and group " +
      "kept their versions and members. A `/Bulk` answer is 200 whatever its operations did: each operation's " +
      "answer is held to the same rules, and a request whose every operation failed counts as rejected.",
    "",
    "| Target | Cases | Rejected (4xx) | 5xx | Time | |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...outcomes.map(
      (o) =>
        `| ${o.name} | ${o.cases.toLocaleString("en-US")} | ${o.rejected.toLocaleString("en-US")} | ` +
        `${o.serverErrors === 0 ? "0" : `**${o.serverErrors}**`} | ${o.seconds.toFixed(0)} s | ${o.failure ? `**failed**: ${o.failure}` : "pass"} |`,
    ),
    "",
    `The process stayed up and answered afterwards: **${alive ? "yes" : "no"}**. ` +
      (failed.length === 0 ? "No target found a failure." : `${failed.length} target(s) failed (above).`),
  ].join("\n");
  return { title: "Fuzzing (HTTP, fast-check)", markdown };
};

export default bench;
