import { performance } from "node:perf_hooks";
import type { Bench } from "./bench-context.js";
import {
  Client,
  entraUser,
  forEachLimited,
  lookupPath,
  PATCH_OP,
  type ServerProcess,
  startOurs,
  startReference,
} from "./http-load.js";

/** Users per sync; BENCH_SYNC_SIZES=2000 for a quick run. */
const SIZES = (process.env.BENCH_SYNC_SIZES ?? "2000,10000").split(",").map(Number);
const IN_FLIGHT = 8;
const GROUPS = 100;
const MEMBERS = 20;
const TARGET = 4;
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

interface SyncTime {
  usersMs: number;
  groupsMs: number;
}

/**
 * Entra's initial cycle against an empty store: for each user a lookup (`userName eq`, empty
 * answer) then a POST, IN_FLIGHT users at a time; then for each group a lookup (`displayName eq`),
 * a POST and one PATCH adding its MEMBERS members.
 */
async function sync(server: ServerProcess, users: number, log: (line: string) => void): Promise<SyncTime> {
  const client = new Client(server);
  try {
    const ids: string[] = [];
    const t0 = performance.now();
    await forEachLimited(users, IN_FLIGHT, async (i) => {
      const body = entraUser(i);
      const found = await client.ok<{ totalResults: number }>("GET", lookupPath(body.userName as string));
      if (found.totalResults !== 0) throw new Error(`${server.name}: user ${i} already exists`);
      ids[i] = (await client.ok<{ id: string }>("POST", "/Users", body)).id;
      if ((i + 1) % 2000 === 0) log(`  ${server.name}: ${i + 1} users`);
    });
    const t1 = performance.now();
    await forEachLimited(GROUPS, IN_FLIGHT, async (g) => {
      const displayName = `Entra group ${g}`;
      const filter = encodeURIComponent(`displayName eq "${displayName}"`);
      const found = await client.ok<{ totalResults: number }>(
        "GET",
        `/Groups?filter=${filter}&excludedAttributes=members`,
      );
      if (found.totalResults !== 0) throw new Error(`${server.name}: group ${g} already exists`);
      const group = await client.ok<{ id: string }>("POST", "/Groups", {
        schemas: [GROUP_SCHEMA],
        externalId: `group-ext-${g}`,
        displayName,
      });
      const members = Array.from({ length: MEMBERS }, (_, k) => ({ value: ids[(g * MEMBERS + k) % users] }));
      await client.ok("PATCH", `/Groups/${group.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "Add", path: "members", value: members }],
      });
    });
    return { usersMs: t1 - t0, groupsMs: performance.now() - t1 };
  } finally {
    client.close();
  }
}

const s = (ms: number) => (ms >= 100_000 ? (ms / 1000).toFixed(0) : (ms / 1000).toFixed(1));

/** Wall time of an Entra-style initial sync through HTTP, on fresh servers, ours then the reference. */
const bench: Bench = async ({ log }) => {
  const rows: string[] = [];
  const verdicts: string[] = [];
  for (const users of SIZES) {
    const times: Record<string, SyncTime> = {};
    for (const [name, start] of [
      ["ours", () => startOurs("ours")],
      ["reference", startReference],
    ] as const) {
      const server = await start();
      try {
        log(`sync of ${users} users: ${name}`);
        times[name] = await sync(server, users, log);
      } finally {
        await server.stop();
      }
    }
    const ours = times.ours as SyncTime;
    const ref = times.reference as SyncTime;
    const total = (t: SyncTime) => t.usersMs + t.groupsMs;
    const ratio = total(ref) / total(ours);
    log(`${users} users: ours ${s(total(ours))} s, reference ${s(total(ref))} s (${ratio.toFixed(1)}x)`);
    rows.push(
      `| ${users.toLocaleString("en-US")} | ${s(total(ours))} s (${s(ours.usersMs)} + ${s(ours.groupsMs)}) | ` +
        `${s(total(ref))} s (${s(ref.usersMs)} + ${s(ref.groupsMs)}) | **${ratio.toFixed(1)}×** |`,
    );
    if (users >= 10_000) {
      verdicts.push(
        `At ${users.toLocaleString("en-US")} users ours is ${ratio.toFixed(1)}× as fast as the reference ` +
          `(target: at least ${TARGET}×): **${ratio >= TARGET ? "met" : "not met"}**.`,
      );
    }
  }
  const markdown = [
    `Wall time of Entra's initial provisioning cycle through HTTP against an empty store: for each user a ` +
      `lookup (\`userName eq\`, answered empty) then POST /Users, ${IN_FLIGHT} users in flight; then ${GROUPS} ` +
      `groups, each a lookup (\`displayName eq\`), a POST /Groups and one PATCH adding ${MEMBERS} members. ` +
      "Fresh servers for each run, in their own processes (ours as `npm start` runs it, the embedded Cosmos DB " +
      "server in the same process; the reference: SCIMMY + express, in-memory). Users + groups phases in " +
      "parentheses.",
    "",
    "| Users | Ours | Reference | Reference / ours |",
    "| ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    ...verdicts,
  ].join("\n");
  return { title: "Entra-style initial sync (HTTP)", markdown };
};

export default bench;
