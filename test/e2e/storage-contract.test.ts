import type { CosmosClient } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import {
  activeUsers,
  groupMembers,
  type Membership,
  type StoredScimDocument,
  userByUserName,
} from "../../docs/examples/read-scim-data.js";
import { parseConfig } from "../../shared/config.js";
import { createCosmosClient } from "../../shared/store/cosmos-client.js";
import type { MembershipDocument, ResourceDocument } from "../../shared/store/documents.js";
import { type Client, startServer } from "../support/local-server.js";

let c: Client;
let client: CosmosClient;
let TENANT: string;

beforeAll(async () => {
  c = await startServer();
  TENANT = process.env.SCIM_TENANT_ID ?? "default";
  client = createCosmosClient(parseConfig(process.env).cosmos);
}, 30_000);
afterAll(async () => {
  client?.dispose();
  await c?.server.close();
});

const database = () => client.database(process.env.COSMOS_DATABASE ?? "scim");

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
});
