import { performance } from "node:perf_hooks";
import { type Call, readBack, runEntraSync } from "../support/entra-sync.js";
import type { Bench } from "./bench-context.js";
import { Client, startOurs } from "./http-load.js";

/** Users in the run; BENCH_INTEGRITY_USERS=2000 for a quick run. */
const USERS = Number(process.env.BENCH_INTEGRITY_USERS ?? 20_000);
const GROUPS = 100;
const MEMBERS = 20;
const IN_FLIGHT = 8;

/**
 * The end-to-end test's Entra-style sync (test/e2e/entra-sync.test.ts: both cycles, then every
 * user and group read back and compared with the model) at bench scale, against the endpoint as
 * `npm start` runs it in its own process: wall time, requests per second, and whether the final
 * state is exactly the expected one.
 */
const bench: Bench = async ({ log }) => {
  const server = await startOurs("integrity");
  const client = new Client(server, IN_FLIGHT);
  const call: Call = async (method, path, body) => {
    const reply = await client.request(method, path, body);
    return { status: reply.status, body: reply.body ? JSON.parse(reply.body) : undefined };
  };
  const problems: string[] = [];
  let syncMs = 0;
  let readMs = 0;
  let requests = 0;
  try {
    const start = performance.now();
    const run = await runEntraSync(call, {
      users: USERS,
      groups: GROUPS,
      membersPerGroup: MEMBERS,
      inFlight: IN_FLIGHT,
      prefix: "scale-",
    });
    syncMs = performance.now() - start;
    requests = run.requests;
    const read = performance.now();
    const actual = await readBack(call, "scale-");
    readMs = performance.now() - read;
    const { expected } = run;
    for (const name of expected.users.keys()) if (!actual.users.has(name)) problems.push(`user ${name} lost`);
    for (const [name, got] of actual.users) {
      const want = expected.users.get(name);
      if (!want) problems.push(`user ${name} should not exist`);
      else if (want.active !== got.active || want.displayName !== got.displayName)
        problems.push(`user ${name}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
    for (const [name, members] of expected.groups) {
      const got = actual.groups.get(name);
      const same = got && got.size === members.size && [...members].every((m) => got.has(m));
      if (!same) problems.push(`group ${name}: members differ`);
    }
    if (actual.groups.size !== expected.groups.size) problems.push("group count differs");
  } finally {
    client.close();
    await server.stop();
  }
  log(`integrity sync of ${USERS} users: ${(syncMs / 1000).toFixed(1)} s, ${problems.length} problems`);
  const rate = requests / (syncMs / 1000);
  const markdown = [
    `The end-to-end test's Entra-style sync at ${USERS.toLocaleString("en-US")} users: cycle 1 looks up and ` +
      `creates every user (8 in flight), creates ${GROUPS} groups and adds ${MEMBERS} members to each; cycle 2 ` +
      "looks up every user again and renames a tenth, disables a tenth, deletes one in 25 and re-sends " +
      "`active: True` to the rest (a no-op), then removes one member from every group. Then every user and group " +
      "is read back through cursor paging and compared with the model. Against the endpoint as `npm start` runs " +
      "it, in its own process.",
    "",
    "| Users | Requests | Sync wall time | Requests/s | Read back | Final state |",
    "| ---: | ---: | ---: | ---: | ---: | --- |",
    `| ${USERS.toLocaleString("en-US")} | ${requests.toLocaleString("en-US")} | ${(syncMs / 1000).toFixed(1)} s | ` +
      `${rate.toFixed(0)} | ${(readMs / 1000).toFixed(1)} s | ${
        problems.length === 0 ? "exactly as expected" : `**${problems.length} differences**`
      } |`,
    ...(problems.length > 0 ? ["", ...problems.slice(0, 10).map((p) => `- ${p}`)] : []),
  ].join("\n");
  return { title: "Entra-style sync at scale: nothing lost", markdown };
};

export default bench;
