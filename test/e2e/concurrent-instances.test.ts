import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EMULATOR_KEY, startEmbeddedCosmos } from "../../shared/local/embedded-cosmos.js";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy.js";
import { type Client, startServer } from "../support/local-server.js";

/**
 * Conflicting requests at the same instant, as several Function instances serving one tenant send
 * them. In-process, the embedded server answers within the caller's own chain of promises, so one
 * request's Cosmos DB calls rarely interleave with another's; here the endpoint reaches it over
 * HTTP (through the fault proxy, with no faults), where every call is a turn of the event loop and
 * two requests interleave call by call, as on two instances. Against a real account
 * (`npm run test:cosmos`) the calls are HTTP already.
 */

const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

let c: Client;
let close: () => Promise<void>;

beforeAll(async () => {
  if (process.env.SCIM_TEST_COSMOS === "1") {
    c = await startServer();
    close = () => c.server.close();
    return;
  }
  const saved = { ...process.env };
  const cosmos = await startEmbeddedCosmos();
  const proxy: FaultProxy = await startFaultProxy(cosmos.endpoint);
  c = await startServer({
    COSMOS_ENDPOINT: proxy.endpoint,
    COSMOS_KEY: EMULATOR_KEY,
    COSMOS_DATABASE: "concurrent",
  });
  close = async () => {
    await c.server.close();
    await proxy.close();
    await cosmos.close();
    process.env = saved;
  };
}, 60_000);
afterAll(async () => {
  await close?.();
});

let n = 0;
const user = async () => {
  const r = await c.call("POST", "/Users", { schemas: [USER], userName: `race-${Date.now()}-${++n}@x.test` });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
};

const memberIds = async (groupId: string) => {
  const r = await c.call("GET", `/Groups/${groupId}?attributes=members`);
  expect(r.status).toBe(200);
  return ((r.body.members ?? []) as { value: string }[]).map((m) => m.value).sort();
};

const groupsOf = async (userId: string) => {
  const r = await c.call("GET", `/Users/${userId}?attributes=groups`);
  return ((r.body.groups ?? []) as { value: string }[]).map((g) => g.value);
};

describe("two replacements of one group's members at once", () => {
  test("leave one of the two lists, never their union, and the users' groups follow it", async () => {
    for (let round = 0; round < 12; round++) {
      const [a, b, old] = await Promise.all([user(), user(), user()]);
      const created = await c.call("POST", "/Groups", {
        schemas: [GROUP],
        displayName: `race-${Date.now()}-${round}`,
        members: [{ value: old }],
      });
      expect(created.status).toBe(201);
      const { id, displayName } = created.body;
      const replaceWith = (member: string, asPatch: boolean) =>
        asPatch
          ? c.call("PATCH", `/Groups/${id}`, {
              schemas: [PATCH],
              Operations: [{ op: "replace", path: "members", value: [{ value: member }] }],
            })
          : c.call("PUT", `/Groups/${id}`, { schemas: [GROUP], displayName, members: [{ value: member }] });
      const answers = await Promise.all([replaceWith(a, false), replaceWith(b, round % 2 === 1)]);
      for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      const members = await memberIds(id);
      expect([[a], [b]], `round ${round}`).toContainEqual(members);
      for (const u of [a, b, old])
        expect(await groupsOf(u), `round ${round}`).toEqual(members.includes(u) ? [id] : []);
    }
  }, 120_000);
});

describe("member changes under one If-Match at once", () => {
  test("exactly one goes on, the other is 412, even when neither changes the group's own attributes", async () => {
    for (let round = 0; round < 12; round++) {
      const [a, b] = await Promise.all([user(), user()]);
      const created = await c.call("POST", "/Groups", {
        schemas: [GROUP],
        displayName: `ifm-${Date.now()}-${round}`,
      });
      expect(created.status).toBe(201);
      const { id, displayName } = created.body;
      const ifMatch = { "If-Match": created.headers.get("etag") ?? "" };
      const add = (member: string) =>
        c.call(
          "PATCH",
          `/Groups/${id}`,
          { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ value: member }] }] },
          ifMatch,
        );
      const answers = await Promise.all([
        add(a),
        round % 2 === 0
          ? add(b)
          : c.call(
              "PUT",
              `/Groups/${id}`,
              { schemas: [GROUP], displayName, members: [{ value: b }] },
              ifMatch,
            ),
      ]);
      const statuses = answers.map((r) => r.status);
      expect(
        statuses.filter((s) => s === 412),
        `round ${round}: ${statuses}`,
      ).toHaveLength(1);
      expect(
        statuses.filter((s) => s < 300),
        `round ${round}: ${statuses}`,
      ).toHaveLength(1);
      const winner = answers[0]?.status === 412 ? b : a;
      expect(await memberIds(id), `round ${round}`).toEqual([winner]);
    }
  }, 120_000);
});
