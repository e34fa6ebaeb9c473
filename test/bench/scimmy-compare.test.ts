import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN } from "./http-load.js";
import { type Case, cases, FLOOR_CASE, grow, type Side, side } from "./scimmy-compare.bench.js";
import { referenceApp } from "./scimmy-reference.js";

let server: Server;
let ref: Side;

beforeAll(async () => {
  server = referenceApp(TOKEN).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  ref = side({ name: "reference", baseUrl, pid: process.pid, stop: async () => {} }, []);
});
afterAll(async () => {
  ref.client.close();
  await new Promise((resolve) => server.close(resolve));
});

/** One round of `count` requests of the case, then its clean-up, as the bench runs them. */
async function round(c: Case, count: number) {
  for (let n = 0; n < count; n++) await c.request(ref, n);
}

const groupMembers = async () =>
  Promise.all(
    ref.groups.map(async (id) => {
      const group = await ref.client.ok<{ members?: { value: string }[] }>("GET", `/Groups/${id}`);
      return (group.members ?? []).map((m) => m.value);
    }),
  );

describe("side-by-side bench: member adds", () => {
  it("adds only new members, also after the store grew, and leaves the groups as they were", async () => {
    const memberAdd = cases().find((c) => c.name.startsWith("Group member add")) as Case;
    await grow(ref, 100);
    await round(memberAdd, 150);
    await memberAdd.cleanUp?.(ref, []);
    await grow(ref, 200);
    await round(memberAdd, 200);
    // SCIMMY stores a re-added member twice: a repeated pair shows as a duplicate.
    for (const members of await groupMembers()) expect(new Set(members).size).toBe(members.length);
    expect((await groupMembers()).flat()).toHaveLength(200);
    await memberAdd.cleanUp?.(ref, []);
    expect((await groupMembers()).flat()).toEqual([]);
  });
});

describe("side-by-side bench: the floor", () => {
  it("reads the reference's ServiceProviderConfig and refuses an answer that is not one", async () => {
    const floor = cases().find((c) => c.name === FLOOR_CASE) as Case;
    expect(floor.floor).toBe(true);
    await expect(floor.request(ref, 0)).resolves.toBeUndefined();
    const elsewhere = side({ ...ref.server, baseUrl: `${ref.server.baseUrl}/Users` }, []);
    await expect(floor.request(elsewhere, 0)).rejects.toThrow();
    elsewhere.client.close();
  });
});
