import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let c: Client;

beforeAll(async () => {
  c = await startServer();
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

/** A user as Entra POSTs it, nulls and malformed extension URN included (docs/entra.md). */
const entraUser = (userName: string, externalId: string) => ({
  schemas: [
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0User",
  ],
  externalId,
  userName,
  active: true,
  addresses: null,
  displayName: "Test User",
  emails: [{ primary: true, type: "work", value: userName }],
  meta: { resourceType: "User" },
  name: { formatted: "Test User", familyName: "User", givenName: "Test" },
  roles: [],
  title: null,
  manager: null,
});

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

describe.each([
  { flag: "", label: "without aadOptscim062020" },
  { flag: "?aadOptscim062020", label: "with aadOptscim062020" },
])("Entra user lifecycle $label", ({ flag }) => {
  const q = (path: string) => (flag ? `${path}${path.includes("?") ? "&" : "?"}aadOptscim062020` : path);
  const suffix = flag ? "flag" : "noflag";
  const userName = `Test.User.${suffix}@Contoso.com`;

  test("Test Connection: a random userName filter is an empty 200 ListResponse", async () => {
    const r = await c.call(
      "GET",
      q(`/Users?filter=${encodeURIComponent('userName eq "5b1a2c58-0000-4000-8000-000000000000"')}`),
    );
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/scim\+json/);
    expect(r.body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      Resources: [],
      startIndex: 1,
      itemsPerPage: 0,
    });
  });

  test("lookup, create, lookup by every matching attribute, update, disable, delete", async () => {
    const externalId = `ext-${suffix}`;
    // 1. Lookup before create: nothing.
    const before = await c.call("GET", q(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`));
    expect(before.body.totalResults).toBe(0);

    // 2. Create.
    const created = await c.call("POST", q("/Users"), entraUser(userName, externalId));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get("location")).toBe(`${c.baseUrl}/Users/${id}`);
    expect(created.headers.get("etag")).toBe(created.body.meta.version);
    expect(created.body).toMatchObject({
      userName,
      externalId,
      active: true,
      meta: { resourceType: "User" },
    });
    expect(created.body).not.toHaveProperty("title");
    expect(created.body).not.toHaveProperty("addresses");

    // 3. Duplicate in other case: 409 uniqueness.
    const dup = await c.call("POST", q("/Users"), entraUser(userName.toUpperCase(), "other"));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ status: "409", scimType: "uniqueness" });

    // 4. Matching filters Entra uses, case-insensitive where the schema says so.
    for (const filter of [
      `userName eq "${userName.toLowerCase()}"`,
      `externalId eq "${externalId}"`,
      `emails[type eq "work"].value eq "${userName.toUpperCase()}"`,
    ]) {
      const found = await c.call("GET", q(`/Users?filter=${encodeURIComponent(filter)}`));
      expect(found.status, filter).toBe(200);
      expect(found.body.totalResults, filter).toBe(1);
      expect(found.body.Resources[0].id, filter).toBe(id);
    }
    const caseExact = await c.call(
      "GET",
      q(`/Users?filter=${encodeURIComponent(`externalId eq "${externalId.toUpperCase()}"`)}`),
    );
    expect(caseExact.body.totalResults).toBe(0);

    // 5. Attribute updates in the form Entra sends for this mode.
    const ops = flag
      ? [
          {
            op: "replace",
            value: {
              displayName: "Renamed",
              "name.givenName": "Given",
              [`${ENTERPRISE}:employeeNumber`]: "7",
            },
          },
          { op: "replace", path: 'emails[type eq "work"].value', value: "new@contoso.com" },
          { op: "add", path: `${ENTERPRISE}:department`, value: "Retail" },
        ]
      : [
          { op: "Replace", path: 'emails[type eq "work"].value', value: "new@contoso.com" },
          { op: "Replace", path: "name.familyName", value: "X" },
          { op: "Replace", path: 'addresses[type eq "work"].formatted', value: "18/2111" },
          { op: "Add", path: `${ENTERPRISE}:department`, value: "Retail" },
          {
            op: "Add",
            path: "roles",
            value: [{ value: '{"id":"r1","value":"25","displayName":"Reader"}' }],
          },
        ];
    const patched = await c.call("PATCH", q(`/Users/${id}`), patch(...ops));
    expect(patched.status).toBe(200);
    expect(patched.body.emails).toEqual([{ primary: true, type: "work", value: "new@contoso.com" }]);
    expect(patched.body[ENTERPRISE].department).toBe("Retail");
    if (flag) {
      expect(patched.body.displayName).toBe("Renamed");
      expect(patched.body.name.givenName).toBe("Given");
      expect(patched.body[ENTERPRISE].employeeNumber).toBe("7");
    } else {
      expect(patched.body.name.familyName).toBe("X");
      // Replace on an unmatched value filter adds the element.
      expect(patched.body.addresses).toEqual([{ type: "work", formatted: "18/2111" }]);
      expect(patched.body.roles).toEqual([{ value: "25", display: "Reader" }]);
      const byRole = await c.call(
        "GET",
        q(`/Users?filter=${encodeURIComponent('roles[value eq "25"].value eq "25"')}`),
      );
      expect(byRole.body.Resources.map((u: { id: string }) => u.id)).toContain(id);
    }

    // 6. Manager in the mode's form; always returned complex.
    const boss = await c.call("POST", q("/Users"), entraUser(`boss.${suffix}@contoso.com`, `boss-${suffix}`));
    const managerOp = flag
      ? { op: "add", path: "manager", value: [{ $ref: null, value: boss.body.id }] }
      : { op: "Add", path: `${ENTERPRISE}:manager`, value: boss.body.id };
    const withManager = await c.call("PATCH", q(`/Users/${id}`), patch(managerOp));
    expect(withManager.body[ENTERPRISE].manager).toEqual({
      value: boss.body.id,
      $ref: `${c.baseUrl}/Users/${boss.body.id}`,
    });
    const managerCheck = await c.call(
      "GET",
      q(
        `/Users?filter=${encodeURIComponent(`id eq "${id}" and manager eq "${boss.body.id}"`)}&attributes=id`,
      ),
    );
    expect(managerCheck.body.totalResults).toBe(1);
    // `schemas` names the schemas of the attributes present (RFC 7643 §3): the projection left no
    // enterprise attribute, so only the core schema.
    expect(managerCheck.body.Resources[0]).toEqual({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      id,
    });
    const removeManager = flag
      ? { op: "remove", path: `manager[value eq "${boss.body.id}"]` }
      : { op: "Replace", path: `${ENTERPRISE}:manager`, value: "" };
    const noManager = await c.call("PATCH", q(`/Users/${id}`), patch(removeManager));
    expect(noManager.status).toBe(200);
    expect(noManager.body[ENTERPRISE].manager).toBeUndefined();

    // 7. Disable (string boolean without the flag), still readable and findable.
    const disable = flag
      ? { op: "replace", path: "active", value: false }
      : { op: "Replace", path: "active", value: "False" };
    const disabled = await c.call("PATCH", q(`/Users/${id}`), patch(disable));
    expect(disabled.body.active).toBe(false);
    const get = await c.call("GET", q(`/Users/${id}`));
    expect(get.status).toBe(200);
    expect(get.body.active).toBe(false);
    const stillFound = await c.call(
      "GET",
      q(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`),
    );
    expect(stillFound.body.totalResults).toBe(1);

    // 8. Periodic active=true with no other change; then a no-op PATCH keeps the version.
    const enable = flag
      ? { op: "replace", path: "active", value: true }
      : { op: "Replace", path: "active", value: "True" };
    const enabled = await c.call("PATCH", q(`/Users/${id}`), patch(enable));
    expect(enabled.body.active).toBe(true);
    const again = await c.call("PATCH", q(`/Users/${id}`), patch(enable));
    expect(again.body.meta.version).toBe(enabled.body.meta.version);

    // 9. Hard delete.
    expect((await c.call("DELETE", q(`/Users/${id}`))).status).toBe(204);
    const gone = await c.call("GET", q(`/Users/${id}`));
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
    });
  });
});

describe("uniqueness and concurrency", () => {
  test("20 parallel creates of one userName in mixed case: one 201, nineteen 409, one stored", async () => {
    const base = "race.condition@contoso.com";
    const names = Array.from({ length: 20 }, (_, i) =>
      [...base].map((ch, j) => ((i >> (j % 5)) & 1 ? ch.toUpperCase() : ch)).join(""),
    );
    const replies = await Promise.all(names.map((n) => c.call("POST", "/Users", { userName: n })));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body.scimType).toBe("uniqueness");
    const stored = await c.call("GET", `/Users?filter=${encodeURIComponent(`userName eq "${base}"`)}`);
    expect(stored.body.totalResults).toBe(1);
  });

  test("concurrent PATCHes of one user lose no update", async () => {
    const u = await c.call("POST", "/Users", { userName: "many.writers@contoso.com" });
    const attrs = [
      "displayName",
      "nickName",
      "title",
      "userType",
      "locale",
      "timezone",
      "preferredLanguage",
      "profileUrl",
    ];
    const replies = await Promise.all(
      attrs.map((a) =>
        c.call("PATCH", `/Users/${u.body.id}`, patch({ op: "add", path: a, value: `v-${a}` })),
      ),
    );
    for (const r of replies) expect(r.status).toBe(200);
    const final = await c.call("GET", `/Users/${u.body.id}`);
    for (const a of attrs) expect(final.body[a]).toBe(`v-${a}`);
  });

  test("If-Match: current version succeeds, stale version is 412", async () => {
    const u = await c.call("POST", "/Users", { userName: "etag.user@contoso.com" });
    const v1 = u.body.meta.version as string;
    const ok = await c.call("PATCH", `/Users/${u.body.id}`, patch({ op: "add", path: "title", value: "A" }), {
      "If-Match": v1,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.meta.version).not.toBe(v1);
    const stale = await c.call(
      "PATCH",
      `/Users/${u.body.id}`,
      patch({ op: "add", path: "title", value: "B" }),
      {
        "If-Match": v1,
      },
    );
    expect(stale.status).toBe(412);
    const put = await c.call(
      "PUT",
      `/Users/${u.body.id}`,
      { userName: "etag.user@contoso.com" },
      { "If-Match": v1 },
    );
    expect(put.status).toBe(412);
    const del = await c.call("DELETE", `/Users/${u.body.id}`, undefined, { "If-Match": v1 });
    expect(del.status).toBe(412);
  });
});
