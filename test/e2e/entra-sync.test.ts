import { afterAll, beforeAll, expect, test } from "vitest";
import { readBack, runEntraSync } from "../support/entra-sync.js";
import { type Client, startServer } from "../support/local-server.js";

let c: Client;

beforeAll(async () => {
  c = await startServer();
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

test("an Entra-style sync of 2,000 users and 100 groups, then a cycle of changes: exactly the expected state", async () => {
  const prefix = "sync-";
  const { expected, requests } = await runEntraSync(c.call, {
    users: 2000,
    groups: 100,
    membersPerGroup: 20,
    inFlight: 8,
    prefix,
  });
  expect(requests).toBeGreaterThan(6000);
  const actual = await readBack(c.call, prefix);
  // Nothing lost, nothing duplicated (readBack fails on a user listed twice), nothing extra.
  expect(new Set(actual.users.keys())).toEqual(new Set(expected.users.keys()));
  for (const [name, want] of expected.users) {
    const got = actual.users.get(name);
    expect({ active: got?.active, displayName: got?.displayName }, name).toEqual(want);
  }
  // Every group has exactly its members: no lost member, no dangling one (a deleted user).
  expect(new Set(actual.groups.keys())).toEqual(new Set(expected.groups.keys()));
  for (const [name, members] of expected.groups) expect(actual.groups.get(name), name).toEqual(members);
}, 300_000);
