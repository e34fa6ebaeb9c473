import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import {
  activeUsers,
  groupMembers,
  type Membership,
  type StoredScimDocument,
  userByUserName,
  userGroups,
} from "../../docs/examples/read-scim-data.js";
import type { MembershipDocument, ResourceDocument } from "../../shared/store/documents.js";
import { directCosmos } from "../support/direct-cosmos.js";
import { type Client, startServer } from "../support/local-server.js";

let c: Client;
let cosmos: ReturnType<typeof directCosmos>;
let TENANT: string;

beforeAll(async () => {
  c = await startServer();
  cosmos = directCosmos();
  TENANT = cosmos.tenant;
}, 30_000);
afterAll(async () => {
  cosmos?.client.dispose();
  await c?.server.close();
});

const database = () => cosmos.database();

describe("the storage contract (docs/storage.md) and its example reader", () => {
  test("the reader's types are the stored documents' types", () => {
    expectTypeOf<ResourceDocument>().toHaveProperty("resource");
    expectTypeOf<ResourceDocument>().toHaveProperty("normalized");
    expectTypeOf<ResourceDocument["tenantId"]>().toEqualTypeOf<StoredScimDocument<object>["tenantId"]>();
    expectTypeOf<
      Pick<MembershipDocument, "groupId" | "memberId" | "memberType">
    >().toEqualTypeOf<Membership>();
  });

  test("an application reads what Entra provisioned: active users, a user by userName, a group's members", async () => {
    const suffix = Date.now();
    const ann = await c.call("POST", "/Users", { userName: `Ann.${suffix}@Contoso.com`, active: true });
    const bob = await c.call("POST", "/Users", { userName: `bob.${suffix}@contoso.com`, active: true });
    expect([ann.status, bob.status]).toEqual([201, 201]);
    const off = await c.call("PATCH", `/Users/${bob.body.id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "Replace", path: "active", value: "False" }],
    });
    expect(off.status).toBe(200);
    const group = await c.call("POST", "/Groups", {
      displayName: `Readers ${suffix}`,
      members: [{ value: ann.body.id }, { value: bob.body.id }],
    });
    expect(group.status).toBe(201);

    const users = database().container("users");
    const active: string[] = [];
    for await (const user of activeUsers(users, TENANT)) active.push(user.id);
    expect(active).toContain(ann.body.id);
    expect(active).not.toContain(bob.body.id);

    const found = await userByUserName(users, TENANT, `ANN.${suffix}@contoso.COM`);
    expect(found?.resource.userName).toBe(`Ann.${suffix}@Contoso.com`);
    expect(found?.resource.meta.created).toBe(ann.body.meta.created);
    expect(await userByUserName(users, "another-tenant", `ann.${suffix}@contoso.com`)).toBeUndefined();

    const members: string[] = [];
    for await (const m of groupMembers(database().container("memberships"), TENANT, group.body.id)) {
      expect(m.memberType).toBe("User");
      members.push(m.memberId);
    }
    expect(members.sort()).toEqual([ann.body.id, bob.body.id].sort());
  });

  test("the reader's userGroups: the copy, and the memberships once the user's groups outgrew it", async () => {
    const suffix = Date.now();
    const containers = {
      users: database().container("users"),
      groups: database().container("groups"),
      memberships: database().container("memberships"),
    };
    const ann = await c.call("POST", "/Users", { userName: `ann.groups.${suffix}@contoso.com` });
    const bob = await c.call("POST", "/Users", { userName: `bob.groups.${suffix}@contoso.com` });
    const few: string[] = [];
    const many: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Long names: 24 of them outgrow the copy's 64 KiB.
      const displayName = `Readers ${suffix} ${i} `.padEnd(3000, "x");
      const members = i < 2 ? [{ value: ann.body.id }, { value: bob.body.id }] : [{ value: bob.body.id }];
      const group = await c.call("POST", "/Groups", { displayName, members });
      expect(group.status).toBe(201);
      if (i < 2) few.push(`${group.body.id}=${displayName}`);
      many.push(`${group.body.id}=${displayName}`);
    }
    const named = (groups: { value: string; display: string }[] | undefined) =>
      (groups ?? []).map((g) => `${g.value}=${g.display}`).sort();
    expect(named(await userGroups(containers, TENANT, ann.body.id))).toEqual(few.sort());
    const bobDoc = (await containers.users.item(bob.body.id, TENANT).read<ResourceDocument>()).resource;
    expect(bobDoc?.groupsOverflow).toBe(true);
    expect(named(await userGroups(containers, TENANT, bob.body.id))).toEqual(many.sort());
    expect(await userGroups(containers, TENANT, "no-such-user")).toBeUndefined();
  });
});
