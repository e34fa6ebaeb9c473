/**
 * Microsoft's SCIM Validator (scimvalidator.microsoft.com), default-attributes mode, replayed in order.
 *
 * Where the requests come from: the request forms below (body shapes, PATCH operations, filters and
 * their order) follow a recorded validator session published as a public test fixture,
 * `node/test/fixtures/validator/validator-user-group.json` in github.com/darrenjrobinson/entra-scim-mcp
 * (a 112-request User + Group run). The data is this test's own: users and groups get generated names,
 * only the core User/Group schemas and the enterprise extension are used (the default attributes), and
 * the filters on externalId and `emails[type eq "work"].value` are the matching filters Entra sends.
 *
 * Why it exists: the endpoint is meant to answer the validator's default-attributes session as the
 * validator expects (statuses, SCIM error bodies, the values it reads back after each change). This
 * test holds that claim: every step asserts what the validator checks, against the real server.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, type Reply, startServer } from "../support/local-server.js";

const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

let c: Client;

beforeAll(async () => {
  c = await startServer();
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

const run = randomUUID().slice(0, 8);
let seq = 0;
/** A fresh upper-case token, as the validator fills string attributes with random capitals. */
const word = () => `V${run}${(++seq).toString(36)}`.toUpperCase();
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const filter = (resource: "Users" | "Groups", f: string, extra = "") =>
  c.call("GET", `/${resource}?${extra}filter=${encodeURIComponent(f)}`);

/**
 * A user as the validator POSTs it: `primary` as the string "true", emails and phone numbers without
 * `type` (unless `workEmail`), and an enterprise manager whose id names no user.
 */
function validatorUser(userName: string, opts: { workEmail?: boolean } = {}) {
  return {
    userName,
    displayName: word(),
    active: true,
    externalId: randomUUID(),
    preferredLanguage: "fr-CA",
    name: {
      formatted: word(),
      familyName: word(),
      givenName: word(),
      middleName: word(),
      honorificPrefix: word(),
      honorificSuffix: word(),
    },
    emails: [
      opts.workEmail
        ? { primary: "true", type: "work", value: `mail.${userName}` }
        : { primary: "true", value: `mail.${userName}` },
    ],
    phoneNumbers: [{ primary: "true", value: "30-906-8350" }],
    addresses: [
      {
        primary: "true",
        streetAddress: "70744 May Isle",
        locality: word(),
        region: word(),
        postalCode: "ap9 3fz",
        country: "Oman",
        formatted: word(),
      },
    ],
    [ENTERPRISE]: {
      employeeNumber: word(),
      costCenter: word(),
      organization: word(),
      division: word(),
      department: word(),
      manager: { value: word() },
    },
    schemas: [CORE_USER, ENTERPRISE],
  };
}
type ValidatorUser = ReturnType<typeof validatorUser>;

/** What the validator reads back for a user it created: its values, `primary` now a boolean. */
function asReturned(u: ValidatorUser) {
  return {
    userName: u.userName,
    displayName: u.displayName,
    active: u.active,
    externalId: u.externalId,
    preferredLanguage: u.preferredLanguage,
    name: u.name,
    emails: u.emails.map((e) => ({ ...e, primary: true })),
    phoneNumbers: u.phoneNumbers.map((p) => ({ ...p, primary: true })),
    addresses: u.addresses.map((a) => ({ ...a, primary: true })),
    [ENTERPRISE]: u[ENTERPRISE],
  };
}

function expectListOf(r: Reply, ids: string[]) {
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toMatch(/^application\/scim\+json/);
  expect(r.body.schemas).toEqual([LIST]);
  expect(r.body.totalResults).toBe(ids.length);
  expect(r.body.Resources.map((x: { id: string }) => x.id)).toEqual(ids);
}

function expectEmptyList(r: Reply) {
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ schemas: [LIST], totalResults: 0, Resources: [] });
}

function expectNotFound(r: Reply) {
  expect(r.status).toBe(404);
  expect(r.body).toMatchObject({ schemas: [ERROR], status: "404" });
}

/** The validator takes 200 with the resource or 204 for a PATCH, and reads the result with a GET. */
function expectPatched(r: Reply) {
  expect([200, 204]).toContain(r.status);
}

describe("SCIM Validator session, default attributes", () => {
  const userName = `validator.${run}@example.com`;
  const sent = validatorUser(userName);
  const other = validatorUser(`member.${run}@example.com`, { workEmail: true });
  const managers = [validatorUser(`boss1.${run}@example.com`), validatorUser(`boss2.${run}@example.com`)];
  let id = "";
  let otherId = "";
  let managerIds: string[] = [];

  test("POST /Users with the validator's body: 201, primary coerced, dangling manager kept", async () => {
    const r = await c.call("POST", "/Users", sent);
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toMatch(/^application\/scim\+json/);
    expect(r.body).toMatchObject(asReturned(sent));
    expect(r.body.schemas).toEqual(expect.arrayContaining([CORE_USER, ENTERPRISE]));
    expect(r.body.meta).toMatchObject({ resourceType: "User" });
    expect(typeof r.body.id).toBe("string");
    id = r.body.id;

    const r2 = await c.call("POST", "/Users", other);
    expect(r2.status).toBe(201);
    otherId = r2.body.id;
  });

  test("POST /Users with the same userName in another case: 409 uniqueness", async () => {
    const r = await c.call("POST", "/Users", { ...validatorUser(userName.toUpperCase()) });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ schemas: [ERROR], status: "409", scimType: "uniqueness" });
  });

  test("GET /Users/{id}: the user as created", async () => {
    const r = await c.call("GET", `/Users/${id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, ...asReturned(sent) });
  });

  test('filters: userName (any case), externalId, emails[type eq "work"].value, and a miss', async () => {
    expectListOf(await filter("Users", `userName eq "${userName}"`), [id]);
    expectListOf(await filter("Users", `userName eq "${userName.toUpperCase()}"`), [id]);
    const found = await filter("Users", `externalId eq "${sent.externalId}"`);
    expectListOf(found, [id]);
    expect(found.body.Resources[0]).toMatchObject(asReturned(sent));
    expectListOf(await filter("Users", `emails[type eq "work"].value eq "${other.emails[0]!.value}"`), [
      otherId,
    ]);
    expectEmptyList(await filter("Users", `userName eq "nonexistent${run}_${userName}"`));
  });

  test("PATCH replace attributes (value-filter paths and a path-less replace), then GET shows each", async () => {
    const e = `changed.${run}@example.com`;
    const flat = {
      displayName: word(),
      active: true,
      externalId: randomUUID(),
      preferredLanguage: "en-SB",
      "name.formatted": word(),
      "name.familyName": word(),
      "name.givenName": word(),
      "name.middleName": word(),
      "name.honorificPrefix": word(),
      "name.honorificSuffix": word(),
      [`${ENTERPRISE}:employeeNumber`]: word(),
      [`${ENTERPRISE}:costCenter`]: word(),
      [`${ENTERPRISE}:organization`]: word(),
      [`${ENTERPRISE}:division`]: word(),
      [`${ENTERPRISE}:department`]: word(),
    };
    const address = {
      streetAddress: "0641 Nicolette Ford",
      locality: word(),
      region: word(),
      postalCode: "vz2 8wy",
      country: "Saint Lucia",
      formatted: word(),
    };
    const r = await c.call(
      "PATCH",
      `/Users/${id}`,
      patch(
        { op: "replace", path: "emails[primary eq true].value", value: e },
        { op: "replace", path: "phoneNumbers[primary eq true].value", value: "26-704-7690" },
        ...Object.entries(address).map(([k, value]) => ({
          op: "replace",
          path: `addresses[primary eq true].${k}`,
          value,
        })),
        { op: "replace", value: flat },
      ),
    );
    expectPatched(r);

    const got = await c.call("GET", `/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      userName,
      displayName: flat.displayName,
      active: true,
      externalId: flat.externalId,
      preferredLanguage: "en-SB",
      name: {
        formatted: flat["name.formatted"],
        familyName: flat["name.familyName"],
        givenName: flat["name.givenName"],
        middleName: flat["name.middleName"],
        honorificPrefix: flat["name.honorificPrefix"],
        honorificSuffix: flat["name.honorificSuffix"],
      },
      emails: [{ primary: true, value: e }],
      phoneNumbers: [{ primary: true, value: "26-704-7690" }],
      addresses: [{ primary: true, ...address }],
      [ENTERPRISE]: {
        employeeNumber: flat[`${ENTERPRISE}:employeeNumber`],
        costCenter: flat[`${ENTERPRISE}:costCenter`],
        organization: flat[`${ENTERPRISE}:organization`],
        division: flat[`${ENTERPRISE}:division`],
        department: flat[`${ENTERPRISE}:department`],
        manager: { value: sent[ENTERPRISE].manager.value },
      },
    });
    expect(got.body.emails).toHaveLength(1);
    expect(got.body.phoneNumbers).toHaveLength(1);
    expect(got.body.addresses).toHaveLength(1);
    sent.externalId = flat.externalId;
  });

  test("PATCH path-less replace of userName, then the old name finds nothing and the new one finds it", async () => {
    const renamed = `renamed.${run}@example.com`;
    const r = await c.call("PATCH", `/Users/${id}`, patch({ op: "replace", value: { userName: renamed } }));
    expectPatched(r);
    const got = await c.call("GET", `/Users/${id}`);
    expect(got.body.userName).toBe(renamed);
    expectListOf(await filter("Users", `userName eq "${renamed}"`), [id]);
    expectEmptyList(await filter("Users", `userName eq "${userName}"`));
  });

  test("manager: add by bare id, replace with another, replace with an empty value removes it", async () => {
    managerIds = [];
    for (const m of managers) {
      const r = await c.call("POST", "/Users", m);
      expect(r.status).toBe(201);
      managerIds.push(r.body.id);
    }
    const path = `${ENTERPRISE}:manager`;

    expectPatched(await c.call("PATCH", `/Users/${id}`, patch({ op: "add", path, value: managerIds[0] })));
    let got = await c.call("GET", `/Users/${id}`);
    expect(got.body[ENTERPRISE].manager).toMatchObject({ value: managerIds[0] });

    expectPatched(
      await c.call("PATCH", `/Users/${id}`, patch({ op: "replace", path, value: managerIds[1] })),
    );
    got = await c.call("GET", `/Users/${id}`);
    expect(got.body[ENTERPRISE].manager).toMatchObject({ value: managerIds[1] });

    expectPatched(await c.call("PATCH", `/Users/${id}`, patch({ op: "replace", path, value: "" })));
    got = await c.call("GET", `/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.body[ENTERPRISE]).not.toHaveProperty("manager");
    // The rest of the extension is untouched.
    expect(got.body[ENTERPRISE].department).toEqual(expect.any(String));
  });

  test("disable (active false): still returned by GET and by filter", async () => {
    const r = await c.call("PATCH", `/Users/${id}`, patch({ op: "replace", path: "active", value: false }));
    expectPatched(r);
    const got = await c.call("GET", `/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.active).toBe(false);
    const found = await filter("Users", `externalId eq "${sent.externalId}"`);
    expectListOf(found, [id]);
    expect(found.body.Resources[0].active).toBe(false);
  });

  describe("groups", () => {
    const displayName = `GROUP${word()}`;
    const externalId = randomUUID();
    let groupId = "";

    test("POST /Groups: 201 with members []", async () => {
      const r = await c.call("POST", "/Groups", { displayName, externalId, schemas: [CORE_GROUP] });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ schemas: [CORE_GROUP], displayName, externalId, members: [] });
      expect(r.body.meta).toMatchObject({ resourceType: "Group" });
      groupId = r.body.id;
    });

    test("POST /Groups with the same displayName: 409 uniqueness", async () => {
      const r = await c.call("POST", "/Groups", {
        displayName,
        externalId: randomUUID(),
        schemas: [CORE_GROUP],
      });
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: "409", scimType: "uniqueness" });
    });

    test("lookups by displayName (excludedAttributes=members, other case) and by id, and a miss", async () => {
      const r = await filter("Groups", `displayName eq "${displayName}"`, "excludedAttributes=members&");
      expectListOf(r, [groupId]);
      expect(r.body.Resources[0]).toMatchObject({ displayName, externalId });
      expect(r.body.Resources[0]).not.toHaveProperty("members");
      expectListOf(await filter("Groups", `displayName eq "${displayName.toLowerCase()}"`), [groupId]);
      const byId = await c.call("GET", `/Groups/${groupId}?excludedAttributes=members`);
      expect(byId.status).toBe(200);
      expect(byId.body).toMatchObject({ id: groupId, displayName, externalId });
      expect(byId.body).not.toHaveProperty("members");
      expectEmptyList(await filter("Groups", `displayName eq "nonexistent${run}_${displayName}"`));
    });

    test("PATCH add members, then Entra's value-array remove takes out only the member named", async () => {
      const add = await c.call(
        "PATCH",
        `/Groups/${groupId}`,
        patch({ op: "add", path: "members", value: [{ value: id }, { value: otherId }] }),
      );
      expectPatched(add);
      let got = await c.call("GET", `/Groups/${groupId}`);
      expect(got.body.members.map((m: { value: string }) => m.value).sort()).toEqual([id, otherId].sort());

      const remove = await c.call(
        "PATCH",
        `/Groups/${groupId}`,
        patch({ op: "remove", path: "members", value: [{ value: otherId }] }),
      );
      expectPatched(remove);
      got = await c.call("GET", `/Groups/${groupId}`);
      expect(got.body.members.map((m: { value: string }) => m.value)).toEqual([id]);

      // The validator's own remove form, a value filter on members.
      const byFilter = await c.call(
        "PATCH",
        `/Groups/${groupId}`,
        patch(
          { op: "add", path: "members", value: [{ value: otherId }] },
          { op: "remove", path: `members[value eq "${otherId}"]` },
        ),
      );
      expectPatched(byFilter);
      got = await c.call("GET", `/Groups/${groupId}`);
      expect(got.body.members.map((m: { value: string }) => m.value)).toEqual([id]);
    });

    test("PATCH path-less replace of displayName, then of externalId", async () => {
      const renamed = `GROUP${word()}`;
      expectPatched(
        await c.call(
          "PATCH",
          `/Groups/${groupId}`,
          patch({ op: "replace", value: { displayName: renamed } }),
        ),
      );
      const newExternalId = randomUUID();
      expectPatched(
        await c.call(
          "PATCH",
          `/Groups/${groupId}`,
          patch({ op: "replace", value: { externalId: newExternalId } }),
        ),
      );
      const got = await c.call("GET", `/Groups/${groupId}`);
      expect(got.body).toMatchObject({ displayName: renamed, externalId: newExternalId });
      expect(got.body.members.map((m: { value: string }) => m.value)).toEqual([id]);
      expectListOf(await filter("Groups", `displayName eq "${renamed}"`, "excludedAttributes=members&"), [
        groupId,
      ]);
      expectEmptyList(await filter("Groups", `displayName eq "${displayName}"`));
    });

    test("DELETE user and group: 204, then 404 with a SCIM error and an empty filter result", async () => {
      const currentUserName = (await c.call("GET", `/Users/${id}`)).body.userName as string;
      expect((await c.call("DELETE", `/Users/${id}`)).status).toBe(204);
      expect((await c.call("DELETE", `/Groups/${groupId}`)).status).toBe(204);

      expectNotFound(await c.call("GET", `/Users/${id}`));
      expectNotFound(await c.call("GET", `/Groups/${groupId}`));
      expectEmptyList(await filter("Users", `userName eq "${currentUserName}"`));
      expectNotFound(await c.call("DELETE", `/Users/${id}`));
      expectNotFound(await c.call("DELETE", `/Groups/${groupId}`));
      expectNotFound(await c.call("DELETE", `/Users/${randomUUID()}`));

      for (const u of [otherId, ...managerIds])
        expect((await c.call("DELETE", `/Users/${u}`)).status).toBe(204);
    });
  });
});
