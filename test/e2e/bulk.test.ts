import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, startServer } from "../support/local-server.js";

/** POST /Bulk (RFC 7644 §3.7) over HTTP. */

const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let c: Client;

beforeAll(async () => {
  c = await startServer({ SCIM_BULK_MAX_OPERATIONS: "6", SCIM_BULK_MAX_PAYLOAD_BYTES: "20000" });
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) =>
  c.call("POST", "/Bulk", { schemas: [BULK], Operations, ...extra });

describe("/Bulk", () => {
  test("creates users and a group whose members reference them by bulkId, in dependency order", async () => {
    const r = await bulk([
      {
        method: "POST",
        path: "/Groups",
        bulkId: "g",
        data: { displayName: "Bulk Team", members: [{ value: "bulkId:ann" }, { value: "bulkId:bob" }] },
      },
      { method: "POST", path: "/Users", bulkId: "ann", data: { userName: "bulk.ann@contoso.com" } },
      { method: "POST", path: "/Users", bulkId: "bob", data: { userName: "bulk.bob@contoso.com" } },
    ]);
    expect(r.status).toBe(200);
    expect(r.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:BulkResponse"]);
    // Reported in request order, run in dependency order.
    expect(r.body.Operations.map((o: { bulkId: string; status: string }) => [o.bulkId, o.status])).toEqual([
      ["g", "201"],
      ["ann", "201"],
      ["bob", "201"],
    ]);
    const [g, ann, bob] = r.body.Operations as { location: string; version: string }[];
    expect(g?.location).toMatch(/\/Groups\/[0-9a-f-]{36}$/);
    expect(g?.version).toMatch(/^W\//);
    const group = await c.call("GET", `/Groups/${g?.location.split("/").pop()}`);
    expect(group.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
      [ann, bob].map((x) => x?.location.split("/").pop()).sort(),
    );
    const user = await c.call("GET", `/Users/${ann?.location.split("/").pop()}`);
    expect(user.body.groups[0].display).toBe("Bulk Team");
  });

  test("circular bulkId references are 409; the other operations still run", async () => {
    const r = await bulk([
      {
        method: "POST",
        path: "/Groups",
        bulkId: "a",
        data: { displayName: "Circle A", members: [{ value: "bulkId:b" }] },
      },
      {
        method: "POST",
        path: "/Groups",
        bulkId: "b",
        data: { displayName: "Circle B", members: [{ value: "bulkId:a" }] },
      },
      { method: "POST", path: "/Users", bulkId: "free", data: { userName: "bulk.free@contoso.com" } },
    ]);
    expect(r.status).toBe(200);
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(["409", "409", "201"]);
    expect(r.body.Operations[0].response).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "409",
      detail: expect.stringMatching(/circular/),
    });
    const none = await c.call("GET", `/Groups?filter=${encodeURIComponent('displayName sw "Circle"')}`);
    expect(none.body.totalResults).toBe(0);
  });

  test("a PATCH of a group named by id, failing because its data references a failed POST, still has its location (§3.7.3)", async () => {
    const g = await c.call("POST", "/Groups", { displayName: "bulk.location" });
    const r = await bulk([
      { method: "POST", path: "/Users", bulkId: "nameless", data: { displayName: "no userName" } },
      {
        method: "PATCH",
        path: `/Groups/${g.body.id}`,
        data: {
          schemas: [PATCH],
          Operations: [{ op: "add", path: "members", value: [{ value: "bulkId:nameless" }] }],
        },
      },
    ]);
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(["400", "409"]);
    expect(r.body.Operations[0].location).toBeUndefined();
    expect(r.body.Operations[1].location).toBe(`${c.baseUrl}/Groups/${g.body.id}`);
  });

  test("failOnErrors counts circular operations where the request lists them", async () => {
    const circle = (bulkId: string, other: string) => ({
      method: "POST",
      path: "/Groups",
      bulkId,
      data: { displayName: `Loop ${bulkId}`, members: [{ value: `bulkId:${other}` }] },
    });
    const user = (n: number) => ({
      method: "POST",
      path: "/Users",
      bulkId: `u${n}`,
      data: { userName: `bulk.loop${n}@x.y` },
    });
    const r = await bulk([user(1), circle("p", "q"), circle("q", "p"), user(2)], { failOnErrors: 1 });
    // The first user ran; the run stopped at the first failure: one error reported, nothing after it.
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(["201", "409"]);
    expect(r.body.Operations[1].bulkId).toBe("p");
    const after = await c.call("GET", `/Users?filter=${encodeURIComponent('userName eq "bulk.loop2@x.y"')}`);
    expect(after.body.totalResults).toBe(0);
  });

  test("each operation is validated as its single-request form; failOnErrors stops the run", async () => {
    const r = await bulk(
      [
        { method: "POST", path: "/Users", bulkId: "bad1", data: { userName: 42 } },
        { method: "POST", path: "/Users", bulkId: "bad2", data: { nosuch: "x", userName: "bulk.bad2@x.y" } },
        { method: "POST", path: "/Users", bulkId: "never", data: { userName: "bulk.never@contoso.com" } },
      ],
      { failOnErrors: 2 },
    );
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(["400", "400"]);
    expect(r.body.Operations[0].response.detail).toMatch(/userName/);
    const never = await c.call(
      "GET",
      `/Users?filter=${encodeURIComponent('userName eq "bulk.never@contoso.com"')}`,
    );
    expect(never.body.totalResults).toBe(0);
  });

  test("members sent as null are not given (failOnErrors, a DELETE's bulkId, version and data)", async () => {
    const created = await c.call("POST", "/Users", { userName: "bulk.nulls@contoso.com" });
    const r = await bulk(
      [{ method: "DELETE", path: `/Users/${created.body.id}`, bulkId: null, version: null, data: null }],
      { failOnErrors: null },
    );
    expect(r.status).toBe(200);
    expect(r.body.Operations).toMatchObject([{ method: "DELETE", status: "204" }]);
  });

  test("a version that is not a string is 400, not an operation run without its precondition", async () => {
    const created = await c.call("POST", "/Users", { userName: "bulk.version@contoso.com" });
    for (const version of [5, true, { etag: created.body.meta.version }, [created.body.meta.version]]) {
      const r = await bulk([
        {
          method: "PATCH",
          path: `/Users/${created.body.id}`,
          version,
          data: { schemas: [PATCH], Operations: [{ op: "replace", path: "title", value: "Changed" }] },
        },
      ]);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ scimType: "invalidValue", detail: expect.stringMatching(/version/) });
    }
    expect((await c.call("GET", `/Users/${created.body.id}`)).body.title).toBeUndefined();
  });

  test("PUT, PATCH and DELETE by path; version is If-Match; an unknown bulkId is 400", async () => {
    const created = await c.call("POST", "/Users", { userName: "bulk.edit@contoso.com" });
    const id = created.body.id;
    const r = await bulk([
      {
        method: "PATCH",
        path: `/Users/${id}`,
        version: created.body.meta.version,
        data: { schemas: [PATCH], Operations: [{ op: "replace", path: "title", value: "Lead" }] },
      },
      {
        method: "PUT",
        path: `/Users/${id}`,
        version: 'W/"stale"',
        data: { userName: "bulk.edit@contoso.com" },
      },
      {
        method: "PATCH",
        path: "/Users/bulkId:nowhere",
        data: { schemas: [PATCH], Operations: [{ op: "replace", path: "title", value: "x" }] },
      },
      { method: "DELETE", path: "/Users/00000000-0000-0000-0000-000000000000" },
    ]);
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(["200", "412", "400", "404"]);
    // §3.7.3: location is required in every result but a failed POST's, failures included; the
    // PATCH of an unresolved bulkId addresses no resource, so it has none.
    expect(r.body.Operations.map((o: { location?: string }) => o.location)).toEqual([
      `${c.baseUrl}/Users/${id}`,
      `${c.baseUrl}/Users/${id}`,
      undefined,
      `${c.baseUrl}/Users/00000000-0000-0000-0000-000000000000`,
    ]);
    expect((await c.call("GET", `/Users/${id}`)).body.title).toBe("Lead");
    // Only a POST's bulkId can be referenced: a PATCH's names nothing, whatever that PATCH did.
    const patchRef = await bulk([
      {
        method: "PATCH",
        bulkId: "edit",
        path: `/Users/${id}`,
        data: { schemas: [PATCH], Operations: [{ op: "replace", path: "title", value: "Lead" }] },
      },
      { method: "DELETE", path: "/Users/bulkId:edit" },
    ]);
    expect(patchRef.body.Operations[1]).toMatchObject({ status: "400" });
    expect(patchRef.body.Operations[1].response.detail).toContain("which no POST in this request defines");
    // Nor its own: a PATCH referencing its own bulkId is the same 400, not a circular reference's 409.
    const selfRef = await bulk([
      {
        method: "PATCH",
        bulkId: "self",
        path: "/Users/bulkId:self",
        data: { schemas: [PATCH], Operations: [{ op: "replace", path: "title", value: "Lead" }] },
      },
    ]);
    expect(selfRef.body.Operations[0]).toMatchObject({ status: "400" });
    expect(selfRef.body.Operations[0].response.detail).toContain("which no POST in this request defines");
    const del = await bulk([{ method: "DELETE", path: `/Users/${id}` }]);
    expect(del.body.Operations[0]).toMatchObject({ method: "DELETE", status: "204" });
    expect((await c.call("GET", `/Users/${id}`)).status).toBe(404);
  });

  test("an operation's path decodes as a request path does: a malformed escape is no such resource, not a failure", async () => {
    const created = await c.call("POST", "/Users", { userName: "bulk.escape@contoso.com" });
    const r = await bulk([
      { method: "DELETE", path: "/Users/%E0" },
      { method: "PUT", path: "/Groups/100%", data: { displayName: "x" } },
      { method: "DELETE", path: `/Users/${encodeURIComponent(created.body.id)}` },
    ]);
    expect(r.status).toBe(200);
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(["404", "404", "204"]);
    expect(r.body.Operations[0].response.detail).toBe('User "%E0" not found.');
  });

  test("a failed operation's location encodes the id its path decoded to, so it stays a URI naming that path", async () => {
    const patch = { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: false }] };
    const r = await bulk([
      { method: "PATCH", path: "/Users/a%20b", data: patch },
      { method: "DELETE", path: "/Groups/a%2Fb%3Fc%23d" },
      { method: "DELETE", path: "/Users/%E0" },
    ]);
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(["404", "404", "404"]);
    expect(r.body.Operations.map((o: { location?: string }) => o.location)).toEqual([
      `${c.baseUrl}/Users/a%20b`,
      // %2F stays as sent, as Kestrel leaves it in a request path: the id is `a%2Fb?c#d`.
      `${c.baseUrl}/Groups/a%252Fb%3Fc%23d`,
      // The malformed escape is kept as the id (see above); encoded, the location decodes back to it.
      `${c.baseUrl}/Users/%25E0`,
    ]);
    expect(r.body.Operations[0].response.detail).toBe('User "a b" not found.');
  });

  test("maxOperations and maxPayloadSize are advertised and enforced (413 with the limit)", async () => {
    const spc = await c.call("GET", "/ServiceProviderConfig");
    expect(spc.body.bulk).toEqual({ supported: true, maxOperations: 6, maxPayloadSize: 20000 });
    const many = await bulk(
      Array.from({ length: 7 }, (_, i) => ({ method: "DELETE", path: `/Users/none-${i}` })),
    );
    expect(many.status).toBe(413);
    expect(many.body.detail).toMatch(/maximum is 6/);
    const big = await bulk([
      {
        method: "POST",
        path: "/Users",
        bulkId: "big",
        data: { userName: "bulk.big@x.y", nickName: "x".repeat(30_000) },
      },
    ]);
    expect(big.status).toBe(413);
    expect(big.body.detail).toMatch(/20000 bytes/);
  });

  test("a request that is not a BulkRequest is 400 with a SCIM error", async () => {
    for (const body of [
      { Operations: [] },
      { schemas: [BULK], Operations: [] },
      { schemas: [BULK], Operations: [{ method: "GET", path: "/Users" }] },
    ]) {
      const r = await c.call("POST", "/Bulk", body);
      expect(r.status).toBe(400);
      expect(r.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
    }
  });
});
