import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

const CUSTOM = "urn:ietf:params:scim:schemas:extension:CustomApp:2.0:User";
const BADGES = "urn:ietf:params:scim:schemas:extension:Badges:2.0:User";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let c: Client;

beforeAll(async () => {
  c = await startServer({
    SCIM_SCHEMA_EXTENSIONS: JSON.stringify([
      {
        schema: CUSTOM,
        name: "CustomApp",
        description: "Attributes an Entra admin mapped for this app",
        resourceType: "User",
        attributes: [
          { name: "costCode", type: "string" },
          { name: "badgeNumber", type: "integer" },
          { name: "contractor", type: "boolean" },
          { name: "hireCode", mutability: "immutable" },
        ],
      },
      {
        schema: BADGES,
        name: "Badges",
        resourceType: "User",
        attributes: [
          {
            name: "cards",
            type: "complex",
            multiValued: true,
            subAttributes: [
              { name: "num" },
              { name: "pin", mutability: "writeOnly" },
              { name: "note", returned: "request" },
            ],
          },
          {
            name: "badge",
            type: "complex",
            subAttributes: [
              { name: "num" },
              { name: "pin", mutability: "writeOnly" },
              { name: "note", returned: "request" },
            ],
          },
        ],
      },
    ]),
  });
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

/** Fails when any value anywhere is null: Entra rejects discovery documents with nulls. */
function assertNoNulls(value: unknown, path = "$"): void {
  expect(value, path).not.toBeNull();
  if (Array.isArray(value))
    value.forEach((v, i) => {
      assertNoNulls(v, `${path}[${i}]`);
    });
  else if (typeof value === "object" && value)
    for (const [k, v] of Object.entries(value)) assertNoNulls(v, `${path}.${k}`);
}

describe("discovery", () => {
  test("/ServiceProviderConfig tells what is implemented", async () => {
    const r = await c.call("GET", "/ServiceProviderConfig?aadOptscim062020");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: "oauthbearertoken" }, { type: "oauth2" }],
    });
    assertNoNulls(r.body);
  });

  test("/ResourceTypes and /Schemas list every schema, custom extension included, without nulls", async () => {
    const types = await c.call("GET", "/ResourceTypes");
    expect(types.body.totalResults).toBe(2);
    const user = types.body.Resources.find((t: { id: string }) => t.id === "User");
    expect(user.schemaExtensions.map((e: { schema: string }) => e.schema)).toContain(CUSTOM);
    expect((await c.call("GET", "/ResourceTypes/Group")).body.endpoint).toBe("/Groups");
    const schemas = await c.call("GET", "/Schemas");
    expect(schemas.status).toBe(200);
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining([
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        CUSTOM,
      ]),
    );
    assertNoNulls(schemas.body);
    const one = await c.call("GET", `/Schemas/${CUSTOM}`);
    expect(one.body.attributes.map((a: { name: string }) => a.name)).toEqual([
      "costCode",
      "badgeNumber",
      "contractor",
      "hireCode",
    ]);
    expect((await c.call("GET", "/Schemas/urn:nope")).status).toBe(404);
    const filtered = await c.call("GET", `/Schemas?filter=${encodeURIComponent('id eq "x"')}`);
    expect(filtered.status).toBe(403);
  });

  test("/Me answers 501 with a SCIM error; /Bulk refuses a body that is not a BulkRequest", async () => {
    const me = await c.call("GET", "/Me");
    expect(me.status).toBe(501);
    expect(me.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
    const bulk = await c.call("POST", "/Bulk", { schemas: [] });
    expect(bulk.status).toBe(400);
    expect(bulk.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
  });
});

describe("custom extension round trip", () => {
  test("POST (URN not in schemas[]), PATCH path and path-less, filter, GET", async () => {
    const created = await c.call("POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "custom.attrs@contoso.com",
      [CUSTOM]: { costCode: "CC-1" },
    });
    expect(created.status).toBe(201);
    expect(created.body[CUSTOM]).toEqual({ costCode: "CC-1" });
    expect(created.body.schemas).toContain(CUSTOM);
    const id = created.body.id;

    const withPath = await c.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: "Add", path: `${CUSTOM}:badgeNumber`, value: 42 },
        { op: "Replace", path: `${CUSTOM}:contractor`, value: "True" },
      ],
    });
    expect(withPath.status).toBe(200);
    expect(withPath.body[CUSTOM]).toEqual({ costCode: "CC-1", badgeNumber: 42, contractor: true });

    const pathless = await c.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", value: { [`${CUSTOM}:costCode`]: "CC-2" } }],
    });
    expect(pathless.body[CUSTOM].costCode).toBe("CC-2");

    const found = await c.call(
      "GET",
      `/Users?filter=${encodeURIComponent(`${CUSTOM}:costCode eq "cc-2" and ${CUSTOM}:badgeNumber gt 40`)}`,
    );
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);

    const got = await c.call("GET", `/Users/${id}?attributes=${encodeURIComponent(`${CUSTOM}:costCode`)}`);
    expect(got.body).toEqual({ schemas: created.body.schemas, id, [CUSTOM]: { costCode: "CC-2" } });

    const wrongType = await c.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: `${CUSTOM}:badgeNumber`, value: "forty" }],
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.scimType).toBe("invalidValue");
    expect(wrongType.body.detail).toContain("badgeNumber");
  });

  test("an unconfigured extension attribute is rejected, naming it, and nothing is stored", async () => {
    const r = await c.call("POST", "/Users", {
      userName: "unknown.ext@contoso.com",
      "urn:ietf:params:scim:schemas:extension:Other:2.0:User:foo": "x",
    });
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain("urn:ietf:params:scim:schemas:extension:Other:2.0:User:foo");
    const none = await c.call(
      "GET",
      `/Users?filter=${encodeURIComponent('userName eq "unknown.ext@contoso.com"')}`,
    );
    expect(none.body.totalResults).toBe(0);
  });

  test("PUT keeps an immutable value: sent unchanged or left out, never changed (RFC 7644 §3.5.1)", async () => {
    const user = { userName: "immutable.put@contoso.com" };
    const created = await c.call("POST", "/Users", { ...user, [CUSTOM]: { hireCode: "H-1", costCode: "A" } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const changed = await c.call("PUT", `/Users/${id}`, { ...user, [CUSTOM]: { hireCode: "H-2" } });
    expect(changed.status).toBe(400);
    expect(changed.body.scimType).toBe("mutability");
    expect(changed.body.detail).toContain(`${CUSTOM}:hireCode`);
    const omitted = await c.call("PUT", `/Users/${id}`, { ...user, [CUSTOM]: { costCode: "B" } });
    expect(omitted.status).toBe(200);
    expect(omitted.body[CUSTOM]).toEqual({ costCode: "B", hireCode: "H-1" });
    const same = await c.call("PUT", `/Users/${id}`, { ...user, [CUSTOM]: { hireCode: "H-1" } });
    expect(same.status).toBe(200);
    expect((await c.call("GET", `/Users/${id}`)).body[CUSTOM]).toEqual({ hireCode: "H-1" });
    // hireCode is caseExact false: "h-1" is the value it has (RFC 7643 §2.2), which is kept as stored.
    const otherCase = await c.call("PUT", `/Users/${id}`, { ...user, [CUSTOM]: { hireCode: "h-1" } });
    expect(otherCase.status).toBe(200);
    expect(otherCase.body[CUSTOM]).toEqual({ hireCode: "H-1" });
    const patched = await c.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: `${CUSTOM}:hireCode`, value: "h-1" }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body[CUSTOM]).toEqual({ hireCode: "H-1" });
    expect(patched.body.meta.version).toBe(otherCase.body.meta.version);
  });

  test("sub-attributes are returned as RFC 7643 §7 says: writeOnly never, returned request only when named", async () => {
    const created = await c.call("POST", "/Users", {
      userName: "hidden.subs@contoso.com",
      [BADGES]: {
        cards: [{ num: "1", pin: "1111", note: "lobby" }],
        badge: { num: "2", pin: "2222", note: "desk" },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const shown = { cards: [{ num: "1" }], badge: { num: "2" } };
    expect(created.body[BADGES]).toEqual(shown);
    const patched = await c.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: `${BADGES}:badge.pin`, value: "3333" }],
    });
    expect(patched.body[BADGES]).toEqual(shown);
    const get = (query: string) => c.call("GET", `/Users/${id}?${query}`).then((r) => r.body[BADGES]);
    expect(await get("")).toEqual(shown);
    expect(
      (await c.call("GET", `/Users?filter=${encodeURIComponent('userName eq "hidden.subs@contoso.com"')}`))
        .body.Resources[0][BADGES],
    ).toEqual(shown);
    const enc = (list: string) => encodeURIComponent(list);
    // The attribute named as a whole still keeps back its writeOnly and request sub-attributes.
    expect(await get(`attributes=${enc(`${BADGES}:cards,${BADGES}:badge`)}`)).toEqual(shown);
    expect(await get(`excludedAttributes=${enc(`${BADGES}:cards.num`)}`)).toEqual({ badge: { num: "2" } });
    // Named itself, a request sub-attribute is returned; a writeOnly one never is.
    expect(await get(`attributes=${enc(`${BADGES}:cards.note,${BADGES}:badge.pin`)}`)).toEqual({
      cards: [{ note: "lobby" }],
    });
    expect(await get(`attributes=${enc(`${BADGES}:badge,${BADGES}:badge.note`)}`)).toEqual({
      badge: { num: "2", note: "desk" },
    });
  });
});
