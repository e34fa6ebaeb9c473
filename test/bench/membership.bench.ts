import { randomUUID } from "node:crypto";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Container, OperationInput } from "@azure/cosmos";
import { functionFiles } from "../../shared/local/function-files.js";
import { startLocal } from "../../shared/local/start-local.js";
import { buildDocument } from "../../shared/operations/build-document.js";
import { createServices, type Services } from "../../shared/services.js";
import { createCosmosClient } from "../../shared/store/cosmos-client.js";
import { chunk, mapLimited } from "../../shared/store/map-limited.js";
import { type Bench, fmt, median } from "./bench-context.js";

/** Group sizes measured; the first is the baseline the others are compared with. */
const SIZES = [10, 10_000, 100_000];
/** Measured single-member adds per group size, interleaved across sizes so drift hits all alike. */
const RUNS = 41;
const WARMUP = 5;
/** The bulk case: members added in one PATCH, repeated on fresh groups. */
const BULK = 1000;
const BULK_RUNS = 3;
const TOKEN = "bench-membership-token-0123456789";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** Writes user documents straight into the container, 100 per batch: seeding, not what is measured. */
async function seedUsers(services: Services, users: Container, count: number): Promise<string[]> {
  const tenantId = services.config.tenantId;
  const now = new Date().toISOString();
  const ids = Array.from({ length: count }, () => randomUUID());
  await mapLimited(chunk(ids, 100), 8, async (part) => {
    const operations: OperationInput[] = part.map((id) => ({
      operationType: "Create",
      partitionKey: tenantId,
      resourceBody: {
        ...buildDocument(services.resourceTypes.User, {
          id,
          resource: { userName: `${id}@bench.example`, active: true },
          created: now,
          lastModified: now,
          passwordHash: undefined,
        }),
        tenantId,
      },
    }));
    const response = await users.items.batch(operations, tenantId);
    if (response.result?.some((r) => r.statusCode !== 201)) throw new Error("seeding users failed");
  });
  return ids;
}

/**
 * Adding members to groups of 10, 10,000 and 100,000 members through the real endpoint (local
 * Functions host + embedded Cosmos, PATCH /Groups/{id} as Entra sends it), plus one PATCH adding
 * 1,000 members. Groups are seeded through the membership store; members are real users.
 */
const bench: Bench = async ({ log }) => {
  delete process.env.COSMOS_ENDPOINT;
  delete process.env.COSMOS_KEY;
  process.env.SCIM_TOKEN = TOKEN;
  const root = path.resolve(__dirname, "../../..");
  const server = await startLocal({ functionFiles: functionFiles(root), port: 0 });
  try {
    const services = await createServices(process.env);
    const client = createCosmosClient(services.config.cosmos);
    const users = client.database(services.config.cosmos.database).container("users");
    const tenantId = services.config.tenantId;

    const call = async (method: string, p: string, body?: unknown) => {
      const response = await fetch(`${server.tenantUrl}${p}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as { id?: string }) : undefined };
    };
    const createGroup = async (name: string) => {
      const r = await call("POST", "/Groups", { displayName: name });
      if (r.status !== 201 || !r.body?.id) throw new Error(`creating group ${name}: ${r.status}`);
      return r.body.id;
    };
    const addMembers = async (groupId: string, ids: readonly string[]) => {
      const r = await call("PATCH", `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "Add", path: "members", value: ids.map((value) => ({ $ref: null, value })) }],
      });
      if (r.status !== 204) throw new Error(`PATCH add members: ${r.status} ${JSON.stringify(r.body)}`);
    };

    // 1. The bulk case first, while the users container is small: the embedded emulator scans the
    // whole container per query (only unique-key equalities use an index), and a 1,000-member request checks its members with
    // one query (a point read each below 11).
    const bulkUsers = await seedUsers(services, users, BULK * (BULK_RUNS + 1));
    const bulkTimes: number[] = [];
    for (let i = 0; i <= BULK_RUNS; i++) {
      const groupId = await createGroup(`bulk-${i}`);
      const start = performance.now();
      await addMembers(groupId, bulkUsers.slice(i * BULK, (i + 1) * BULK));
      // The first run warms up the code paths (JIT) and is not counted.
      if (i > 0) bulkTimes.push(performance.now() - start);
    }
    log(`1,000 members in one PATCH: ${bulkTimes.map(fmt).join(", ")} ms`);

    // 2. Seed the groups: one user set, the groups share its first 10 / 10,000 / 100,000 users.
    const largest = Math.max(...SIZES);
    const seedStart = performance.now();
    const memberPool = await seedUsers(services, users, largest);
    const fresh = await seedUsers(services, users, SIZES.length * (RUNS + WARMUP));
    const groups: string[] = [];
    for (const size of SIZES) {
      const groupId = await createGroup(`size-${size}`);
      await services.scope(tenantId).memberships.add(
        groupId,
        memberPool.slice(0, size).map((id) => ({ id, type: "User" as const })),
      );
      groups.push(groupId);
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    log(
      `seeded ${largest + fresh.length} users and ${SIZES.reduce((a, b) => a + b, 0)} memberships in ${seedSeconds.toFixed(0)} s`,
    );

    // 3. Add one new member at a time, round-robin over the sizes.
    const times: number[][] = SIZES.map(() => []);
    let next = 0;
    for (let run = 0; run < WARMUP + RUNS; run++) {
      for (const [i, groupId] of groups.entries()) {
        const member = fresh[next++] as string;
        const start = performance.now();
        await addMembers(groupId, [member]);
        if (run >= WARMUP) times[i]?.push(performance.now() - start);
      }
    }
    const medians = times.map(median);
    const base = medians[0] ?? Number.NaN;
    const rows = SIZES.map(
      (size, i) =>
        `| ${size.toLocaleString("en-US")} | ${fmt(medians[i] ?? Number.NaN)} | ${((medians[i] ?? Number.NaN) / base).toFixed(2)} |`,
    );
    const worst = Math.max(...medians.map((m) => Math.abs(m / base - 1)));
    const markdown = [
      "| Group size (members) | Add one member, median ms | Ratio to the 10-member group |",
      "|---:|---:|---:|",
      ...rows,
      "",
      `Adding 1,000 members in one PATCH: **${fmt(median(bulkTimes))} ms** (median of ${BULK_RUNS}, fresh groups, ` +
        `${(BULK * (BULK_RUNS + 1)).toLocaleString("en-US")} users in the container).`,
      "",
      `PATCH /Groups/{id} through the local Functions host on the embedded emulator, ${RUNS} runs per size, ` +
        `interleaved; groups seeded with ${SIZES.reduce((a, b) => a + b, 0).toLocaleString("en-US")} membership ` +
        `documents and ${(largest + fresh.length).toLocaleString("en-US")} users. Adding a member is the same ` +
        "four point operations (member check, membership create, the group's `meta` bump that doubles as the " +
        "check that the group exists, the user's `groups` copy) whatever the group " +
        `size, so the largest group is within ${(worst * 100).toFixed(0)}% of the smallest (target: 20%).`,
    ].join("\n");
    return { title: "Group membership", markdown };
  } finally {
    await server.close();
  }
};

// `export =` makes the function this CommonJS module's default export for run.ts's dynamic import
// (with `export default`, Node would hand it `{ default: fn }`).
export default bench;
