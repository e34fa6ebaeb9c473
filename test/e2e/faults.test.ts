import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { describeFault, FAULTS, type FaultProxy } from "../support/fault-proxy.js";
import { type FaultedServer, startFaultedServer } from "../support/faulted-server.js";
import type { Client, Reply } from "../support/local-server.js";

/**
 * Fault injection: every Cosmos DB call an operation makes is, in turn, answered with each of the
 * faults real Cosmos DB produces (429, 503, 408, 410, 449, a request held past the SDK's timeout,
 * a dropped connection, a gateway's HTML 502, an answer lost after the server acted), once ("single": the request's own retries absorb it) and from that call
 * on ("outage": the request fails, then Entra's retries run after the outage). No answer may be a
 * 500, and the final state must equal the fault-free run's.
 */

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let faulted: FaultedServer;
let proxy: FaultProxy;
let c: Client;

beforeAll(async () => {
  faulted = await startFaultedServer("faults");
  ({ proxy, client: c } = faulted);
}, 60_000);
afterAll(async () => {
  await faulted?.close();
});

/** A request as a test sends it. */
interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/** One operation under test: what to set up (fault-free), then the request to fault. */
interface Scenario {
  name: string;
  setup(prefix: string): Promise<Call>;
}

let run = 0;
const send = (call: Call) => c.call(call.method, call.path, call.body);
const user = async (userName: string) => {
  const r = await c.call("POST", "/Users", { userName, active: true, displayName: userName });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const group = async (displayName: string, members: string[] = []) => {
  const r = await c.call("POST", "/Groups", { displayName, members: members.map((value) => ({ value })) });
  expect(r.status).toBe(201);
  return r.body.id as string;
};

const scenarios: Scenario[] = [
  {
    name: "POST /Users",
    setup: async (p) => ({ method: "POST", path: "/Users", body: { userName: `${p}new`, active: true } }),
  },
  {
    name: "PATCH /Users (Entra's replace of several attributes)",
    setup: async (p) => {
      const id = await user(`${p}a`);
      return {
        method: "PATCH",
        path: `/Users/${id}`,
        body: {
          schemas: [PATCH],
          Operations: [
            { op: "Replace", path: "displayName", value: "Renamed" },
            { op: "Replace", path: "active", value: "False" },
          ],
        },
      };
    },
  },
  {
    name: "POST /Groups with members",
    setup: async (p) => {
      const ids = [await user(`${p}a`), await user(`${p}b`), await user(`${p}c`)];
      return {
        method: "POST",
        path: "/Groups",
        body: { displayName: `${p}group`, members: ids.map((value) => ({ value })) },
      };
    },
  },
  {
    name: "PATCH /Groups: add, remove and rename in one request",
    setup: async (p) => {
      const [a, b, d] = [await user(`${p}a`), await user(`${p}b`), await user(`${p}d`)];
      const id = await group(`${p}group`, [a]);
      return {
        method: "PATCH",
        path: `/Groups/${id}`,
        body: {
          schemas: [PATCH],
          Operations: [
            { op: "Add", path: "members", value: [{ value: b }, { value: d }] },
            { op: "Remove", path: "members", value: [{ value: a }] },
            { op: "Replace", path: "displayName", value: `${p}renamed` },
          ],
        },
      };
    },
  },
  {
    name: "PATCH /Groups: an add that takes the user's groups past the copy's budget",
    setup: async (p) => {
      const a = await user(`${p}a`);
      // 5 entries of about 12 KB fit the copy's 64 KiB; the 6th marks the user groupsOverflow.
      const long = (i: number) => `${p}${`long ${i} `.padEnd(12_000, "x")}`;
      for (let i = 0; i < 5; i++) await group(long(i), [a]);
      const id = await group(long(5));
      return {
        method: "PATCH",
        path: `/Groups/${id}`,
        body: { schemas: [PATCH], Operations: [{ op: "Add", path: "members", value: [{ value: a }] }] },
      };
    },
  },
  {
    name: "PATCH /Groups: a remove that brings a marked user's groups back within the copy's budget",
    setup: async (p) => {
      const a = await user(`${p}a`);
      // Six entries of about 12 KB: marked groupsOverflow; five fit again, so the copy is rebuilt.
      const long = (i: number) => `${p}${`long ${i} `.padEnd(12_000, "x")}`;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await group(long(i), [a]));
      return {
        method: "PATCH",
        path: `/Groups/${ids[0]}`,
        body: { schemas: [PATCH], Operations: [{ op: "Remove", path: "members", value: [{ value: a }] }] },
      };
    },
  },
  {
    name: "PUT /Groups replacing the members",
    setup: async (p) => {
      const [a, b, d] = [await user(`${p}a`), await user(`${p}b`), await user(`${p}d`)];
      const id = await group(`${p}group`, [a, b]);
      return {
        method: "PUT",
        path: `/Groups/${id}`,
        body: { displayName: `${p}group`, members: [{ value: b }, { value: d }] },
      };
    },
  },
  {
    name: "DELETE /Users of a group member",
    setup: async (p) => {
      const [a, b] = [await user(`${p}a`), await user(`${p}b`)];
      await group(`${p}group`, [a, b]);
      return { method: "DELETE", path: `/Users/${a}` };
    },
  },
  {
    name: "DELETE /Groups with members",
    setup: async (p) => {
      const [a, b] = [await user(`${p}a`), await user(`${p}b`)];
      await group(`${p}parent`, [a]);
      const id = await group(`${p}group`, [a, b]);
      return { method: "DELETE", path: `/Groups/${id}` };
    },
  },
];

const transient = (r: Reply) => r.status === 429 || r.status === 503;

/**
 * What Entra (or any reconciling client) does after a failed request: send it again until it is
 * not throttled or unavailable; a create that now meets its own earlier success (409) is looked up
 * and replaced with the body it meant to create; a delete that now meets 404 is done.
 */
async function retryLikeEntra(call: Call, first: Reply): Promise<void> {
  let reply = first;
  for (let attempt = 0; attempt < 5 && transient(reply); attempt++) {
    reply = await send(call);
    expect(reply.status, `retry of ${call.method} ${call.path}`).not.toBe(500);
    if (call.method === "POST" && reply.status === 409) {
      const body = call.body as { userName?: string; displayName?: string };
      const [endpoint, attribute] = body.userName ? ["Users", "userName"] : ["Groups", "displayName"];
      const value = body.userName ?? body.displayName ?? "";
      const found = await c.call(
        "GET",
        `/${endpoint}?filter=${encodeURIComponent(`${attribute} eq "${value}"`)}`,
      );
      const id = found.body.Resources[0]?.id as string;
      reply = await send({ method: "PUT", path: `/${endpoint}/${id}`, body: call.body });
    }
  }
  expect(transient(reply), `still failing after retries: ${call.method} ${call.path}`).toBe(false);
}

/**
 * The state a scenario can change, named without its prefix and ids: users (with their `groups`),
 * groups, members.
 */
async function snapshot(prefix: string) {
  const sw = (attribute: string) => encodeURIComponent(`${attribute} sw "${prefix}"`);
  const users = await c.call("GET", `/Users?filter=${sw("userName")}&count=100`);
  const groups = await c.call("GET", `/Groups?filter=${sw("displayName")}&count=100`);
  expect([users.status, groups.status]).toEqual([200, 200]);
  const names = new Map<string, string>(
    users.body.Resources.map((u: { id: string; userName: string }) => [
      u.id,
      u.userName.slice(prefix.length),
    ]),
  );
  // Without the prefix; a long name as its start and length, so that a difference stays readable.
  const strip = (s: string) => {
    const name = s.slice(prefix.length);
    return name.length > 40 ? `${name.slice(0, 20)}… (${name.length})` : name;
  };
  return {
    users: users.body.Resources.map(
      (u: { userName: string; active: boolean; displayName: string; groups?: { display: string }[] }) => ({
        userName: strip(u.userName),
        active: u.active,
        displayName: u.displayName?.startsWith(prefix) ? strip(u.displayName) : u.displayName,
        groups: (u.groups ?? []).map((g) => strip(g.display)).sort(),
      }),
    ).sort((a: { userName: string }, b: { userName: string }) => a.userName.localeCompare(b.userName)),
    groups: groups.body.Resources.map((g: { displayName: string; members: { value: string }[] }) => ({
      displayName: strip(g.displayName),
      members: g.members.map((m) => names.get(m.value) ?? `missing ${m.value}`).sort(),
    })).sort((a: { displayName: string }, b: { displayName: string }) =>
      a.displayName.localeCompare(b.displayName),
    ),
  };
}

describe.each(scenarios)("$name under Cosmos DB faults", (scenario) => {
  let baseline: Awaited<ReturnType<typeof snapshot>>;
  let steps = 0;

  beforeAll(async () => {
    // The first run also loads the SDK's metadata caches; the second counts the operation's own calls.
    for (let i = 0; i < 2; i++) {
      const prefix = `f${++run}-`;
      const call = await scenario.setup(prefix);
      proxy.reset();
      const reply = await send(call);
      steps = proxy.count;
      expect(reply.status).toBeLessThan(300);
      baseline = await snapshot(prefix);
    }
  }, 60_000);

  test("single faults at every step: absorbed or retried, never a 500, same final state", async () => {
    expect(steps).toBeGreaterThan(0);
    for (let step = 0; step < steps; step++) {
      for (const fault of FAULTS) {
        const prefix = `f${++run}-`;
        const call = await scenario.setup(prefix);
        proxy.reset((n) => (n === step ? fault : undefined));
        const reply = await send(call);
        const label = `${scenario.name}, step ${step}, ${describeFault(fault)}`;
        expect(reply.status, label).not.toBe(500);
        proxy.reset();
        await proxy.idle();
        await retryLikeEntra(call, reply);
        expect(await snapshot(prefix), label).toEqual(baseline);
      }
    }
  }, 300_000);

  test("an outage from every step on: 429/503 with Retry-After, then Entra's retries converge", async () => {
    for (let step = 0; step < steps; step++) {
      const fault = FAULTS[step % FAULTS.length] ?? { kind: "drop" };
      const prefix = `f${++run}-`;
      const call = await scenario.setup(prefix);
      proxy.reset((n) => (n >= step ? fault : undefined));
      const reply = await send(call);
      const label = `${scenario.name}, outage from step ${step}, ${describeFault(fault)}`;
      // The baseline run occasionally takes a call more than the request here does: an outage that
      // starts after the request's last call never reached it, and it succeeds. Any request that
      // met the outage answers 429 or 503.
      if (reply.status < 300) {
        expect(proxy.count, label).toBeLessThanOrEqual(step);
      } else {
        expect([429, 503], label).toContain(reply.status);
        expect(reply.headers.get("retry-after"), label).toMatch(/^\d+$/);
        expect(reply.body?.schemas, label).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
      }
      proxy.reset();
      await proxy.idle();
      await retryLikeEntra(call, reply);
      expect(await snapshot(prefix), label).toEqual(baseline);
    }
  }, 300_000);
});
