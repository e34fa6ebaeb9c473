import os from "node:os";
import { performance } from "node:perf_hooks";
import { type Bench, median } from "./bench-context.js";
import {
  Client,
  entraUser,
  fmtRate,
  forEachLimited,
  lookupPath,
  PATCH_OP,
  type Round,
  round,
  type ServerProcess,
  seedUsers,
  startAll,
  startCosmosProcess,
  startOurs,
  startOursOneThread,
  startReference,
} from "./http-load.js";

/** Store sizes (seeded users); BENCH_COMPARE_SIZES=1000 for a quick run. */
const SIZES = (process.env.BENCH_COMPARE_SIZES ?? "1000,10000").split(",").map(Number);
/** Measured rounds per case, server and size; each round runs ROUND_MS with IN_FLIGHT requests in flight. */
const ROUNDS = Number(process.env.BENCH_COMPARE_ROUNDS ?? 5);
const CPU_ROUNDS = Math.max(1, Math.ceil(ROUNDS / 2));
const ROUND_MS = Number(process.env.BENCH_COMPARE_ROUND_MS ?? 2000);
const WARMUP_MS = 1000;
const IN_FLIGHT = 10;
const GROUPS = 100;
const TARGET = (users: number) => (users >= 10_000 ? 3 : 1.5);
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
export const FLOOR_CASE = "GET /ServiceProviderConfig (no store access)";

/** One server as the workload sees it: its client, its seeded user ids, its groups. */
export interface Side {
  server: ServerProcess;
  client: Client;
  users: string[];
  groups: string[];
  /** Processes whose CPU is read per round (the server's; for ours split, host then Cosmos). */
  watch: number[];
  /** Counters that keep generated names and member pairs distinct across rounds. */
  posted: number;
  added: number;
}

export interface Case {
  name: string;
  /** A floor, not a target: the case touches no store, so it shows what the HTTP and SCIM pipeline costs. */
  floor?: boolean;
  /** One request of the case, n counting up within the round. */
  request(side: Side, n: number): Promise<unknown>;
  /** Restores the store size after a round (not measured). */
  cleanUp?(side: Side, created: string[]): Promise<void>;
}

const pick = (side: Side, n: number) => side.users[(n * 7919) % side.users.length] as string;

export function cases(): Case[] {
  const createdBy = new Map<Side, string[]>();
  const addedBy = new Map<Side, Map<string, string[]>>();
  return [
    {
      name: FLOOR_CASE,
      floor: true,
      request: async (s) => {
        const config = await s.client.ok<{ schemas?: string[] }>("GET", "/ServiceProviderConfig");
        if (!config.schemas?.includes(SPC_SCHEMA))
          throw new Error(`${s.server.name}: not a ServiceProviderConfig`);
      },
    },
    { name: "GET /Users/{id}", request: (s, n) => s.client.ok("GET", `/Users/${pick(s, n)}`) },
    {
      name: "Entra lookup (`userName eq`)",
      request: async (s, n) => {
        const i = (n * 7919) % s.users.length;
        const list = await s.client.ok<{ totalResults: number }>("GET", lookupPath(`user${i}@bench.example`));
        if (list.totalResults !== 1) throw new Error(`${s.server.name}: lookup found ${list.totalResults}`);
      },
    },
    {
      name: "POST /Users",
      request: async (s) => {
        const created = await s.client.ok<{ id: string }>("POST", "/Users", entraUser(s.posted++, "posted"));
        const list = createdBy.get(s) ?? [];
        list.push(created.id);
        createdBy.set(s, list);
      },
      cleanUp: async (s) => {
        const ids = createdBy.get(s) ?? [];
        createdBy.set(s, []);
        await forEachLimited(ids.length, 16, (k) => s.client.ok("DELETE", `/Users/${ids[k]}`));
      },
    },
    {
      name: "PATCH /Users/{id} (Replace displayName)",
      request: (s, n) =>
        s.client.ok("PATCH", `/Users/${pick(s, n)}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: "Replace", path: "displayName", value: `Renamed ${s.posted++}` }],
        }),
    },
    {
      name: "Group member add (PATCH /Groups/{id})",
      request: async (s) => {
        // Pair k: user k mod n joins group (k + floor(k / n)) mod 100. With n a multiple of 100,
        // every (group, member) pair is new within a store size, and requests in flight touch
        // different users and groups, as in Entra's sync (each group's members differ).
        const k = s.added++;
        const n = s.users.length;
        const group = s.groups[(k + Math.floor(k / n)) % GROUPS] as string;
        const member = s.users[k % n] as string;
        await s.client.ok("PATCH", `/Groups/${group}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: "Add", path: "members", value: [{ value: member }] }],
        });
        const byGroup = addedBy.get(s) ?? new Map<string, string[]>();
        byGroup.set(group, [...(byGroup.get(group) ?? []), member]);
        addedBy.set(s, byGroup);
      },
      // The members go again after each round, so that every round starts from the same groups on
      // both servers: left in, a grown store would repeat pairs (ours answers a re-add without
      // writing, SCIMMY stores a duplicate), and the faster server would work on larger groups.
      cleanUp: async (s) => {
        const byGroup = [...(addedBy.get(s) ?? new Map<string, string[]>())];
        addedBy.set(s, new Map());
        await forEachLimited(byGroup.length, 16, (g) => {
          const [group, members] = byGroup[g] as [string, string[]];
          return s.client.ok("PATCH", `/Groups/${group}`, {
            schemas: [PATCH_OP],
            Operations: [{ op: "Remove", path: "members", value: members.map((value) => ({ value })) }],
          });
        });
      },
    },
  ];
}

export async function grow(side: Side, to: number) {
  await seedUsers(side.client, side.users, side.users.length, to);
  while (side.groups.length < GROUPS) {
    const g = await side.client.ok<{ id: string }>("POST", "/Groups", {
      schemas: [GROUP_SCHEMA],
      displayName: `Bench group ${side.groups.length}`,
    });
    side.groups.push(g.id);
  }
}

export const side = (server: ServerProcess, watch: number[]): Side => ({
  server,
  client: new Client(server),
  users: [],
  groups: [],
  watch,
  posted: 0,
  added: 0,
});

interface Row {
  size: number;
  name: string;
  floor: boolean;
  ours: Round[];
  ref: Round[];
  split: Round[];
  /** Ours with the embedded server on the host's thread (one-thread-server.ts). */
  one: Round[];
}

const summary = (rounds: Round[], f: (r: Round) => number) => {
  const xs = rounds.map(f);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
};
const ratioOf = (row: Row) =>
  summary(row.ours, (r) => r.perSecond).median / summary(row.ref, (r) => r.perSecond).median;
const cpu = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

/**
 * Side by side through HTTP: this project as `npm start` runs it (local Functions host + embedded
 * Cosmos DB server on its own thread, one process) against a SCIMMY + express reference with an in-memory store,
 * the same workload, rounds interleaved (ours, reference, ours, reference...). A third server,
 * ours with the embedded Cosmos DB server in its own process, gives the host's own CPU per request;
 * a fourth, ours with the embedded server on the host's thread, what the database's thread buys.
 */
const bench: Bench = async ({ log }) => {
  const [cosmos] = (await startAll([startCosmosProcess])) as [ServerProcess];
  let servers: ServerProcess[];
  try {
    servers = await startAll([
      () => startOurs("ours"),
      startReference,
      () => startOurs("ours-split", cosmos.baseUrl),
      () => startOursOneThread("ours-one-thread"),
    ]);
  } catch (error) {
    await cosmos.stop();
    throw error;
  }
  const [oursServer, refServer, splitServer, oneServer] = servers as [
    ServerProcess,
    ServerProcess,
    ServerProcess,
    ServerProcess,
  ];
  const ours = side(oursServer, [oursServer.pid]);
  const ref = side(refServer, [refServer.pid]);
  const split = side(splitServer, [splitServer.pid, cosmos.pid]);
  const one = side(oneServer, [oneServer.pid]);
  const rows: Row[] = [];
  const started = performance.now();
  try {
    for (const size of SIZES) {
      for (const s of [ours, ref, split, one]) {
        const t0 = performance.now();
        await grow(s, size);
        log(
          `${s.server.name}: ${size} users + ${GROUPS} groups seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
      }
      for (const c of cases()) {
        const row: Row = {
          size,
          name: c.name,
          floor: c.floor === true,
          ours: [],
          ref: [],
          split: [],
          one: [],
        };
        const measure = async (s: Side, ms: number) => {
          const r = await round((n) => c.request(s, n), { ms, inFlight: IN_FLIGHT, watch: s.watch });
          await c.cleanUp?.(s, []);
          return r;
        };
        for (const s of [ours, ref, split, one]) await measure(s, WARMUP_MS);
        for (let i = 0; i < ROUNDS; i++) {
          row.ours.push(await measure(ours, ROUND_MS));
          row.ref.push(await measure(ref, ROUND_MS));
          row.one.push(await measure(one, ROUND_MS));
          if (i < CPU_ROUNDS) row.split.push(await measure(split, ROUND_MS));
        }
        const o = summary(row.ours, (r) => r.perSecond).median;
        const f = summary(row.ref, (r) => r.perSecond).median;
        log(
          `${size} users, ${c.name}: ours ${fmtRate(o)} req/s, reference ${fmtRate(f)} req/s (${(o / f).toFixed(2)}x)`,
        );
        rows.push(row);
      }
    }
  } finally {
    for (const s of [ours, ref, split, one]) s.client.close();
    await Promise.all([...servers, cosmos].map((s) => s.stop()));
  }
  const minutes = (performance.now() - started) / 60_000;

  const throughput = rows.map((row) => {
    const o = summary(row.ours, (r) => r.perSecond);
    const f = summary(row.ref, (r) => r.perSecond);
    const ratio = ratioOf(row);
    const target = TARGET(row.size);
    const verdict = row.floor ? "— | floor" : `≥ ${target}× | ${ratio >= target ? "met" : "**not met**"}`;
    return (
      `| ${row.name} | ${row.size.toLocaleString("en-US")} | ${fmtRate(o.median)} (${fmtRate(o.min)}–${fmtRate(o.max)}) | ` +
      `${fmtRate(f.median)} (${fmtRate(f.min)}–${fmtRate(f.max)}) | **${ratio.toFixed(2)}×** | ${verdict} |`
    );
  });
  const unmet = rows
    .filter((row) => !row.floor && ratioOf(row) < TARGET(row.size))
    .map((row) => `${row.name} at ${row.size.toLocaleString("en-US")} users (${ratioOf(row).toFixed(2)}×)`);
  const cpuRows = rows.map((row) => {
    const host = summary(row.split, (r) => r.cpuPerRequest[0] as number).median;
    const cosmosCpu = summary(row.split, (r) => r.cpuPerRequest[1] as number).median;
    const whole = summary(row.ours, (r) => r.cpuPerRequest[0] as number).median;
    const refCpu = summary(row.ref, (r) => r.cpuPerRequest[0] as number).median;
    return (
      `| ${row.name} | ${row.size.toLocaleString("en-US")} | ${cpu(host)} | ${cpu(cosmosCpu)} | ${cpu(whole)} | ${cpu(refCpu)} | ` +
      `${(host / refCpu).toFixed(2)} |`
    );
  });
  const threadRows = rows.map((row) => {
    const o = summary(row.ours, (r) => r.perSecond);
    const t = summary(row.one, (r) => r.perSecond);
    const oCpu = summary(row.ours, (r) => r.cpuPerRequest[0] as number).median;
    const tCpu = summary(row.one, (r) => r.cpuPerRequest[0] as number).median;
    return (
      `| ${row.name} | ${row.size.toLocaleString("en-US")} | ${fmtRate(o.median)} (${fmtRate(o.min)}–${fmtRate(o.max)}) | ` +
      `${fmtRate(t.median)} (${fmtRate(t.min)}–${fmtRate(t.max)}) | **${(o.median / t.median).toFixed(2)}×** | ${cpu(oCpu)} | ${cpu(tCpu)} |`
    );
  });
  const floors = SIZES.map((size) => {
    const wholeCpu = (name: string, of: (row: Row) => Round[]) => {
      const row = rows.find((r) => r.size === size && r.name === name);
      return row ? summary(of(row), (r) => r.cpuPerRequest[0] as number).median : Number.NaN;
    };
    return {
      size,
      ours: wholeCpu(FLOOR_CASE, (r) => r.ours),
      ref: wholeCpu(FLOOR_CASE, (r) => r.ref),
      read: wholeCpu("GET /Users/{id}", (r) => r.ours) - wholeCpu(FLOOR_CASE, (r) => r.ours),
    };
  });
  const floorText = floors
    .map(
      (f) =>
        `at ${f.size.toLocaleString("en-US")} users ours ${cpu(f.ours)} ms against the reference's ${cpu(f.ref)} ms, ` +
        `and GET /Users/{id} (one point read, a user rendered) adds ${cpu(f.read)} ms to ours`,
    )
    .join("; ");
  const markdown = [
    `Requests per second through HTTP, ${IN_FLIGHT} requests in flight, median of ${ROUNDS} rounds of ` +
      `${ROUND_MS / 1000} s (min–max), rounds interleaved (ours, reference, ours, reference...) after one ` +
      "unmeasured round each. **Ours**: `node dist/shared/local/start.js`, what `npm start` runs (the local " +
      "Functions host with the real `@azure/cosmos` SDK, and the embedded Cosmos DB server on a worker thread of its " +
      "own in the same process; each SDK call crosses to the server's request listener as a message, without a " +
      "socket). **Reference**: SCIMMY 1.3.5 + scimmy-routers 1.3.2 on express 5 with an in-memory store, written " +
      "as their documentation shows (the User resource extended with the EnterpriseUser schema, which Entra's " +
      "users carry; egress matches SCIMMY's filter over the stored users; a unique index on `userName`), in its " +
      "own process. The load generator is a third process. Both stores are seeded with the " +
      `same Entra-shaped users through POST /Users, and ${GROUPS} groups; POSTed users are deleted after each round ` +
      `(not measured), member adds go to the ${GROUPS} groups in turn, each a new member, the requests in flight touching different users and groups, and the members added are removed after each round (not measured), so that every round starts from the same empty groups on both servers. A member add is answered 204 without a body by ours, 200 with the whole group by the reference (SCIMMY always returns it; RFC 7644 §3.5.2 allows either). Target: ours at least ` +
      "1.5× the reference at 1,000 users, 3× at 10,000.",
    "",
    "| Case | Users | Ours req/s | Reference req/s | Ours / reference | Target | |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...throughput,
    "",
    "**Server CPU per request** (ms, user + system time of the process over a round, divided by its " +
      `requests; median of ${CPU_ROUNDS} rounds for the host alone and its Cosmos process, of ${ROUNDS} for the others). For the host ` +
      "alone, the embedded Cosmos DB server runs in its own process (`COSMOS_ENDPOINT` points the host at it), " +
      "so its work is not counted; its own CPU per request is shown beside it. Split so, the two reach each " +
      "other over HTTP: both columns include a socket hop that `npm start` does not make. The reference's " +
      "column is its whole process (its store is in memory, in the same process).",
    "",
    "| Case | Users | Ours: host alone | Ours: Cosmos process | Ours: whole process (`npm start`, both threads) | Reference: whole process | Host alone / reference |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...cpuRows,
    "",
    "**What the database's thread buys**: ours as `npm start` runs it against the same endpoint with the " +
      "embedded Cosmos DB server on the host's thread (as the tests run it; `test/bench/one-thread-server.ts`), " +
      `in the same interleaved rounds (median of ${ROUNDS}, min–max), with the whole process's CPU per request (ms).`,
    "",
    "| Case | Users | Database thread (`npm start`) req/s | One thread req/s | Database thread / one thread | CPU, database thread | CPU, one thread |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...threadRows,
    "",
    `Machine: ${os.cpus().length} cores shared by the four servers and the load generator (only the server ` +
      `under test is busy during a round); ${minutes.toFixed(1)} minutes for this bench. Ours answers GET ` +
      "/Users/{id} with one point read (the user document carries its `groups`); a member add is four Cosmos DB " +
      "calls (member check, membership write, the group's `meta` bump that doubles as the check that the group " +
      "exists, the user's `groups` copy; see the Cosmos DB calls table). Each call runs the SDK's request and response " +
      "handling and the embedded server's, work the in-memory reference does not do. The floor row touches no " +
      `store on either server: CPU per request with no store access is ${floorText}. ` +
      "The reference runs on one thread, so on one busy core its requests per second are about the inverse of its " +
      "CPU per request; ours runs on two (the host's, and the database's, as Cosmos DB works apart from the host in " +
      "Azure), so its rate is bounded by the busier one, and its whole-process column counts both threads and the " +
      "messages between them." +
      (unmet.length === 0 ? " Every case met its target." : ` Not met: ${unmet.join("; ")}.`),
  ].join("\n");
  return { title: "Side by side: this endpoint vs a SCIMMY + express reference (HTTP)", markdown };
};

export default bench;
