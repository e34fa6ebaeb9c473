import http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createServices } from "../../shared/services.js";
import { type Client, startServer, TOKEN } from "../support/local-server.js";

/** The whole protocol over HTTP: routing, root queries, derived attributes in lists, input hygiene. */

const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
let c: Client;
let seq = 0;

beforeAll(async () => {
  c = await startServer();
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

const user = async (extra: Record<string, unknown> = {}) => {
  const r = await c.call("POST", "/Users", { userName: `proto.${++seq}@contoso.com`, ...extra });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const group = async (displayName: string, members: string[] = [], extra: Record<string, unknown> = {}) => {
  const r = await c.call("POST", "/Groups", {
    displayName,
    members: members.map((value) => ({ value })),
    ...extra,
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const enc = encodeURIComponent;

describe("routing: every request under the Tenant URL gets a SCIM response", () => {
  test.each([
    ["GET", "/nothing-here"],
    ["GET", "/Users/a/b"],
    ["POST", "/Users/x/y/z"],
    ["DELETE", "/Widgets/1"],
    ["GET", "/scim/v2"],
    // Malformed percent-encoding stays as sent (as Kestrel leaves it): no such user, no such endpoint.
    ["GET", "/Users/%E0%A4%A"],
    ["DELETE", "/Groups/100%"],
    ["GET", "/%zz"],
    // An empty segment matches no route but the catch-all in the host (ASP.NET Core's PathTokenizer).
    ["GET", "//Users"],
    ["GET", "/Users//"],
  ])("%s %s is 404 with a SCIM Error", async (method, path) => {
    const r = await c.call(method, path);
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toMatch(/^application\/scim\+json/);
    expect(r.body).toMatchObject({ schemas: [ERROR], status: "404" });
  });

  test.each([
    ["PUT", "/Users", "GET, HEAD, POST"],
    ["DELETE", "/Users", "GET, HEAD, POST"],
    ["POST", "/Users/some-id", "GET, HEAD, PUT, PATCH, DELETE"],
    ["POST", "/ServiceProviderConfig", "GET, HEAD"],
    ["DELETE", "/Schemas", "GET, HEAD"],
    ["PATCH", "/", "GET, HEAD"],
    ["GET", "/Bulk", "POST"],
    ["HEAD", "/Bulk", "POST"],
    // Literal routes are more specific than Users/{id} and Groups/{id}, whose functions take these.
    ["GET", "/Users/.search", "POST"],
    ["DELETE", "/Users/.SEARCH", "POST"],
    ["PUT", "/Groups/.search", "POST"],
    ["PATCH", "/Groups/.search", "POST"],
    // Segments are judged decoded, as the host decoded them to pick the function.
    ["GET", "/Users/%2Esearch", "POST"],
    ["DELETE", "/%55sers", "GET, HEAD, POST"],
    ["PUT", "/%53chemas", "GET, HEAD"],
  ])("%s %s is 405 with Allow: %s", async (method, path, allow) => {
    const bodyless = ["GET", "HEAD", "DELETE"].includes(method);
    const r = await c.call(method, path, bodyless ? undefined : {});
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe(allow);
    // A HEAD answer carries GET's headers and no body.
    if (method === "HEAD") expect(r.body).toBeUndefined();
    else expect(r.body).toMatchObject({ schemas: [ERROR], status: "405" });
  });

  test("a path with percent-encoded unreserved characters is the path they spell (RFC 3986 §6.2.2.2)", async () => {
    const search = { schemas: [SEARCH], count: 0 };
    for (const path of ["/Users/%2Esearch", "/Users/%2esearch", "/%55sers/.search"]) {
      const r = await c.call("POST", path, search);
      expect(r.status, path).toBe(200);
      expect(r.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:ListResponse"]);
    }
    const u = await user();
    const r = await c.call("PATCH", `/%55sers/${u}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "title", value: "Encoded" }],
    });
    expect(r.status).toBe(200);
    expect(r.body.title).toBe("Encoded");
  });

  test("Accept: application/json gets application/json, errors too; the default is application/scim+json (RFC 7644 §3.8)", async () => {
    const id = await user();
    const json = await c.call("GET", `/Users/${id}`, undefined, { Accept: "application/json" });
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(json.body.id).toBe(id);
    const missing = await c.call("GET", "/Users/nope", undefined, { Accept: "application/json" });
    expect(missing.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(missing.body).toMatchObject({ schemas: [ERROR], status: "404" });
    const scim = await c.call("GET", `/Users/${id}`, undefined, { Accept: "*/*" });
    expect(scim.headers.get("content-type")).toBe("application/scim+json; charset=utf-8");
  });

  test("HEAD answers wherever GET does, with GET's status and headers and no body (RFC 9110 §9.3.2)", async () => {
    const created = await c.call("POST", "/Users", { userName: "head.request@contoso.com" });
    expect(created.status).toBe(201);
    for (const path of [
      `/Users/${created.body.id}`,
      '/Users?filter=userName eq "head.request@contoso.com"',
      "/Groups",
      "/ServiceProviderConfig",
      "/Schemas",
      "/ResourceTypes/User",
      "/Users/no-such-user",
    ]) {
      const get = await c.call("GET", path);
      const head = await fetch(`${c.baseUrl}${path}`, {
        method: "HEAD",
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(head.status, path).toBe(get.status);
      expect(head.headers.get("content-type"), path).toBe(get.headers.get("content-type"));
      expect(head.headers.get("etag"), path).toBe(get.headers.get("etag"));
      expect(await head.text(), path).toBe("");
    }
  });

  test("unauthenticated requests to unknown paths are 401, not a map of the routes", async () => {
    const response = await fetch(`${c.baseUrl}/nothing-here`);
    expect(response.status).toBe(401);
  });

  test("outside the Tenant URL the host answers as it will (no SCIM promise there)", async () => {
    const response = await fetch(`${c.baseUrl.replace("/scim/v2", "")}/elsewhere`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(404);
  });

  test("an idle connection stays open as Kestrel keeps it (130 s), not Node's 5 s, so a client reusing it after a pause is not cut off", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ keepAlive: string; port: number | undefined }>((resolve, reject) => {
        const request = http.get(`${c.baseUrl}/ServiceProviderConfig`, { agent }, (response) => {
          const port = request.socket?.localPort;
          response.resume();
          response.on("end", () => resolve({ keepAlive: String(response.headers["keep-alive"]), port }));
        });
        request.on("error", reject);
      });
    try {
      const first = await get();
      expect(first.keepAlive).toBe("timeout=130");
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const second = await get();
      expect(second.port).toBe(first.port);
    } finally {
      agent.destroy();
    }
  }, 15_000);
});

describe("conditional requests (RFC 7644 §3.14, RFC 7232)", () => {
  test("If-None-Match naming the current version (or *) is 304 with the ETag and no body; a stale one is 200", async () => {
    for (const path of [`/Users/${await user()}`, `/Groups/${await group(`Conditional ${++seq}`)}`]) {
      const first = await c.call("GET", path);
      const etag = first.headers.get("etag") ?? "";
      expect(etag).toMatch(/^W\/"/);
      for (const tag of [etag, "*", `W/"other", ${etag}`, etag.replace(/^W\//, "")]) {
        const again = await c.call("GET", path, undefined, { "If-None-Match": tag });
        expect(again.status, tag).toBe(304);
        expect(again.headers.get("etag")).toBe(etag);
        expect(again.body).toBeUndefined();
      }
      const stale = await c.call("GET", path, undefined, { "If-None-Match": 'W/"other"' });
      expect(stale.status).toBe(200);
      expect(stale.body.meta.version).toBe(etag);
    }
  });

  test("after a change the old version no longer matches", async () => {
    const id = await user();
    const etag = (await c.call("GET", `/Users/${id}`)).headers.get("etag") ?? "";
    const patched = await c.call("PATCH", `/Users/${id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "displayName", value: "Changed" }],
    });
    expect(patched.status).toBe(200);
    const after = await c.call("GET", `/Users/${id}`, undefined, { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(after.body.displayName).toBe("Changed");
    const missing = await c.call("GET", "/Users/no-such-id", undefined, { "If-None-Match": "*" });
    expect(missing.status).toBe(404);
  });

  test("a PUT of what is stored keeps meta.lastModified and the version; a change moves them (RFC 7643 §3.1)", async () => {
    const boss = await user();
    const u = await user({
      displayName: "Same",
      emails: [{ value: "same@contoso.com", type: "work" }],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { manager: { value: boss } },
    });
    const g = await group(`Same ${seq}`, [u]);
    const bodies = {
      [`/Users/${u}`]: (await c.call("GET", `/Users/${u}`)).body,
      [`/Groups/${g}`]: (await c.call("GET", `/Groups/${g}`)).body,
    };
    for (const [path, before] of Object.entries(bodies)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const same = await c.call("PUT", path, before, { "If-Match": before.meta.version });
      expect(same.status, path).toBe(200);
      expect(same.body.meta, path).toEqual(before.meta);
      expect(same.headers.get("etag"), path).toBe(before.meta.version);
      const changed = await c.call("PUT", path, { ...before, displayName: `${before.displayName} changed` });
      expect(changed.status, path).toBe(200);
      expect(changed.body.meta.version, path).not.toBe(before.meta.version);
      expect(changed.body.meta.lastModified > before.meta.lastModified, path).toBe(true);
    }
  });

  test("a GET or HEAD whose If-Match names another version is 412 (RFC 7232 §3.1); the current one or * is 200", async () => {
    const id = await user();
    const etag = (await c.call("GET", `/Users/${id}`)).headers.get("etag") ?? "";
    for (const method of ["GET", "HEAD"]) {
      const stale = await c.call(method, `/Users/${id}`, undefined, { "If-Match": 'W/"other"' });
      expect(stale.status, method).toBe(412);
      for (const tag of [etag, "*", `W/"other", ${etag}`]) {
        const ok = await c.call(method, `/Users/${id}`, undefined, { "If-Match": tag });
        expect(ok.status, `${method} ${tag}`).toBe(200);
      }
    }
    const body = await c.call("GET", `/Users/${id}`, undefined, { "If-Match": 'W/"other"' });
    expect(body.body).toMatchObject({ schemas: [ERROR], status: "412" });
  });

  test("a PUT, PATCH or DELETE whose If-None-Match names the current version (or *) is 412 and changes nothing (RFC 7232 §3.2)", async () => {
    const id = await user({ displayName: "Kept" });
    const etag = (await c.call("GET", `/Users/${id}`)).headers.get("etag") ?? "";
    const change = {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "displayName", value: "Changed" }],
    };
    for (const tag of [etag, "*", `W/"other", ${etag}`]) {
      const writes = [
        c.call("PATCH", `/Users/${id}`, change, { "If-None-Match": tag }),
        c.call("PUT", `/Users/${id}`, { userName: `proto.put.${seq}@contoso.com` }, { "If-None-Match": tag }),
        c.call("DELETE", `/Users/${id}`, undefined, { "If-None-Match": tag }),
      ];
      for (const r of await Promise.all(writes)) {
        expect(r.status, tag).toBe(412);
        expect(r.body).toMatchObject({ schemas: [ERROR], status: "412" });
        expect(r.body.detail).toContain("If-None-Match");
      }
    }
    const after = await c.call("GET", `/Users/${id}`);
    expect(after.headers.get("etag")).toBe(etag);
    expect(after.body.displayName).toBe("Kept");
    // Another version is no reason to refuse.
    const other = await c.call("PATCH", `/Users/${id}`, change, { "If-None-Match": 'W/"other"' });
    expect(other.status).toBe(200);
    expect(other.body.displayName).toBe("Changed");
  });
});

describe("root queries (RFC 7644 §3.4.2.1, §3.4.3): Users and Groups together", () => {
  test("GET /?filter on an attribute common to both returns both types, ordered", async () => {
    const tag = `root-${++seq}`;
    const u = await user({ externalId: `${tag}-u` });
    const g = await group(`Root ${tag}`, [], { externalId: `${tag}-g` });
    const r = await c.call("GET", `/?filter=${enc(`externalId sw "${tag}-"`)}`);
    expect(r.status).toBe(200);
    expect(r.body.totalResults).toBe(2);
    const ids = r.body.Resources.map((x: { id: string }) => x.id);
    expect(ids).toEqual([u, g]);
    expect(r.body.Resources[0].schemas).toContain("urn:ietf:params:scim:schemas:core:2.0:User");
    expect(r.body.Resources[1].schemas).toContain("urn:ietf:params:scim:schemas:core:2.0:Group");
    expect(r.body.Resources[1].members).toEqual([]);
  });

  test("an attribute only one type has is no value for the other; one that no type has is invalidFilter", async () => {
    const tag = `only-${++seq}`;
    const u = await user({ externalId: tag, title: tag });
    await group(`Only ${tag}`, [], { externalId: tag });
    const users = await c.call("GET", `/?filter=${enc(`title eq "${tag}"`)}`);
    expect(users.body.Resources.map((x: { id: string }) => x.id)).toEqual([u]);
    const both = await c.call("GET", `/?filter=${enc(`externalId eq "${tag}" and title ne "x"`)}`);
    expect(both.body.totalResults).toBe(2);
    const bad = await c.call("GET", `/?filter=${enc('nosuch eq "x"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe("invalidFilter");
  });

  test("meta.resourceType picks a type at the root, and answers by type under /Users and /Groups", async () => {
    const tag = `typed-${++seq}`;
    const u = await user({ externalId: tag });
    const g = await group(`Typed ${tag}`, [], { externalId: tag });
    const ids = async (path: string, filter: string) => {
      const r = await c.call("GET", `${path}?filter=${enc(filter)}`);
      expect(r.status).toBe(200);
      return r.body.Resources.map((x: { id: string }) => x.id);
    };
    expect(await ids("/", `externalId eq "${tag}" and meta.resourceType eq "Group"`)).toEqual([g]);
    expect(await ids("/", `externalId eq "${tag}" and meta.resourceType ne "Group"`)).toEqual([u]);
    expect(await ids("/", `externalId eq "${tag}" and meta.resourceType pr`)).toEqual([u, g]);
    expect(await ids("/Users", `externalId eq "${tag}" and meta.resourceType eq "User"`)).toEqual([u]);
    expect(await ids("/Users", `externalId eq "${tag}" and meta.resourceType eq "Group"`)).toEqual([]);
    const search = await c.call("POST", "/.search", {
      schemas: [SEARCH],
      filter: `meta.resourceType eq "User" and externalId eq "${tag}"`,
    });
    expect(search.body.Resources.map((x: { id: string }) => x.id)).toEqual([u]);
  });

  test("schemas is filterable (RFC 7644 §3.4.2.2): it matches exactly what each resource lists in its schemas", async () => {
    const tag = `schemas-${++seq}`;
    const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    const withExtension = await user({ externalId: tag, [ENTERPRISE]: { department: "Tour" } });
    const without = await user({ externalId: tag });
    // Its only extension attribute removed, the user no longer lists the extension.
    const emptied = await user({ externalId: tag, [ENTERPRISE]: { department: "Gone" } });
    const removed = await c.call("PATCH", `/Users/${emptied}`, {
      schemas: [PATCH],
      Operations: [{ op: "remove", path: `${ENTERPRISE}:department` }],
    });
    expect(removed.status).toBe(200);
    const g = await group(`Schemas ${tag}`, [], { externalId: tag });
    const listed = new Map<string, string[]>();
    for (const [path, id] of [
      ["/Users", withExtension],
      ["/Users", without],
      ["/Users", emptied],
      ["/Groups", g],
    ] as const) {
      listed.set(id, (await c.call("GET", `${path}/${id}`)).body.schemas);
    }
    const ids = async (path: string, filter: string) => {
      const r = await c.call("GET", `${path}?filter=${enc(`externalId eq "${tag}" and (${filter})`)}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.Resources.map((x: { id: string }) => x.id).sort();
    };
    const expected = (path: string, test: (uris: string[]) => boolean) =>
      [...listed]
        .filter(([id, uris]) => (path === "/" || (path === "/Groups") === (id === g)) && test(uris))
        .map(([id]) => id)
        .sort();
    const lower = (uris: string[]) => uris.map((u) => u.toLowerCase());
    const cases: [string, (uris: string[]) => boolean][] = [
      [`schemas eq "${ENTERPRISE}"`, (u) => u.includes(ENTERPRISE)],
      [`SCHEMAS eq "${ENTERPRISE.toUpperCase()}"`, (u) => u.includes(ENTERPRISE)],
      [`not (schemas eq "${ENTERPRISE}")`, (u) => !u.includes(ENTERPRISE)],
      ['schemas eq "urn:ietf:params:scim:schemas:core:2.0:Group"', (u) => u[0]?.endsWith("Group") === true],
      ['schemas co "extension"', (u) => lower(u).some((x) => x.includes("extension"))],
      [
        'schemas ne "urn:ietf:params:scim:schemas:core:2.0:User"',
        (u) => u.some((x) => x !== "urn:ietf:params:scim:schemas:core:2.0:User"),
      ],
      ["schemas pr", () => true],
      ["schemas eq null", () => false],
    ];
    for (const [filter, test] of cases) {
      for (const path of ["/", "/Users", "/Groups"]) {
        expect(await ids(path, filter), `${path} ${filter}`).toEqual(expected(path, test));
      }
    }
    expect(listed.get(emptied)).toEqual(["urn:ietf:params:scim:schemas:core:2.0:User"]);
    const bad = await c.call("GET", `/Users?filter=${enc("schemas eq 2")}`);
    expect([bad.status, bad.body.scimType]).toEqual([400, "invalidFilter"]);
    expect(bad.body.detail).toContain('"schemas" holds schema URIs');
  });

  test("attributes and excludedAttributes name what they name under /Users: a comma inside a value filter, schemas", async () => {
    const tag = `projected-${++seq}`;
    const u = await user({ externalId: tag, emails: [{ type: "a,b", value: `${tag}@contoso.com` }] });
    const g = await group(`Projected ${tag}`, [], { externalId: tag });
    const filter = enc(`externalId eq "${tag}"`);
    const asked = await c.call("GET", `/?filter=${filter}&attributes=${enc('emails[type eq "a,b"].value')}`);
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.Resources).toEqual([
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        id: u,
        emails: [{ value: `${tag}@contoso.com` }],
      },
      { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], id: g },
    ]);
    const left = await c.call("POST", "/.search", {
      schemas: [SEARCH],
      filter: `externalId eq "${tag}"`,
      excludedAttributes: ['emails[type eq "a,b"]', "schemas"],
    });
    expect(left.status, JSON.stringify(left.body)).toBe(200);
    expect(left.body.Resources[0]).not.toHaveProperty("emails");
    expect(left.body.Resources[0].schemas).toEqual(["urn:ietf:params:scim:schemas:core:2.0:User"]);
    // `schemas` is always returned: naming it asks for nothing more, as under /Users and /Groups.
    const only = await c.call("GET", `/?filter=${filter}&attributes=schemas`);
    expect(only.status, JSON.stringify(only.body)).toBe(200);
    expect(only.body.Resources.map((r: object) => Object.keys(r).sort())).toEqual([
      ["id", "schemas"],
      ["id", "schemas"],
    ]);
    const unknown = await c.call(
      "GET",
      `/?attributes=${enc("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nosuch")}`,
    );
    expect([unknown.status, unknown.body.scimType]).toEqual([400, "invalidValue"]);
  });

  test("POST /.search pages by index and by cursor across both containers without repeats", async () => {
    const tag = `paged-${++seq}`;
    const made: string[] = [];
    for (let i = 0; i < 4; i++) made.push(await user({ externalId: `${tag}-${i}` }));
    for (let i = 0; i < 3; i++)
      made.push(await group(`Paged ${tag} ${i}`, [], { externalId: `${tag}-g${i}` }));
    const filter = `externalId sw "${tag}-"`;
    const byIndex: string[] = [];
    for (let start = 1; start <= 7; start += 3) {
      const r = await c.call("POST", "/.search", { schemas: [SEARCH], filter, startIndex: start, count: 3 });
      expect(r.body.totalResults).toBe(7);
      byIndex.push(...r.body.Resources.map((x: { id: string }) => x.id));
    }
    expect(byIndex).toEqual(made);
    const byCursor: string[] = [];
    let cursor = "";
    for (let pages = 0; pages < 10; pages++) {
      const r = await c.call("GET", `/?filter=${enc(filter)}&count=2&cursor=${cursor}`);
      expect(r.status).toBe(200);
      byCursor.push(...r.body.Resources.map((x: { id: string }) => x.id));
      cursor = r.body.nextCursor ?? "";
      if (!cursor) break;
    }
    expect(byCursor).toEqual(made);
    const sorted = await c.call("GET", `/?filter=${enc(filter)}&sortBy=externalId&sortOrder=descending`);
    expect(sorted.body.Resources.map((x: { externalId: string }) => x.externalId)).toEqual(
      [
        ...Array.from({ length: 4 }, (_, i) => `${tag}-${i}`),
        ...Array.from({ length: 3 }, (_, i) => `${tag}-g${i}`),
      ]
        .sort()
        .reverse(),
    );
  });
});

describe("derived attributes in lists", () => {
  test("GET /Groups returns members by default, and attributes=members asks for them", async () => {
    const [a, b] = [await user(), await user()];
    const g = await group(`Listed ${++seq}`, [a, b]);
    const filter = enc(`id eq "${g}"`);
    const list = await c.call("GET", `/Groups?filter=${filter}`);
    expect(list.body.Resources[0].members.map((m: { value: string }) => m.value).sort()).toEqual(
      [a, b].sort(),
    );
    const only = await c.call("GET", `/Groups?filter=${filter}&attributes=members`);
    expect(Object.keys(only.body.Resources[0]).sort()).toEqual(["id", "members", "schemas"]);
    const lean = await c.call("GET", `/Groups?filter=${filter}&excludedAttributes=members`);
    expect(lean.body.Resources[0].members).toBeUndefined();
    const users = await c.call("GET", `/Users?filter=${enc(`id eq "${a}"`)}&attributes=groups`);
    expect(users.body.Resources[0].groups.map((x: { value: string }) => x.value)).toEqual([g]);
  });
});

describe("stable paging", () => {
  test("sortBy with ties still pages every item exactly once (the order ends with id)", async () => {
    const title = `Tie ${++seq}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await user({ title }));
    const seen: string[] = [];
    for (let start = 1; start <= 7; start += 2) {
      const r = await c.call(
        "GET",
        `/Users?filter=${enc(`title eq "${title}"`)}&sortBy=title&startIndex=${start}&count=2`,
      );
      seen.push(...r.body.Resources.map((x: { id: string }) => x.id));
    }
    expect(seen).toEqual([...ids].sort());
  });
});

describe("resources without a value for sortBy (RFC 7644 §3.4.2.3)", () => {
  // "ordered last if ascending and first if descending"; Cosmos DB's ORDER BY puts them first.
  const tag = "no-value-sort";
  const titles = ["Mango", undefined, "apple", undefined, "Kiwi", undefined, "banana"];
  let made: { id: string; title?: string }[] = [];
  beforeAll(async () => {
    made = [];
    for (const title of titles)
      made.push({ id: await user({ externalId: tag, ...(title ? { title } : {}) }), title });
    made.push({ id: await group(`No value ${tag}`, [], { externalId: tag }) });
  });
  const expected = (root: boolean, descending: boolean) => {
    const byTitle = made
      .filter((m) => m.title && (root || m !== made.at(-1)))
      .sort((a, b) => (a.title as string).toLowerCase().localeCompare((b.title as string).toLowerCase()));
    const without = made
      .filter((m) => !m.title && (root || m !== made.at(-1)))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const ascending = [...byTitle, ...without].map((m) => m.id);
    return descending ? ascending.reverse() : ascending;
  };
  const query = (descending: boolean) =>
    `filter=${enc(`externalId eq "${tag}"`)}&sortBy=title${descending ? "&sortOrder=descending" : ""}`;

  test.each([
    ["/Users", false],
    ["/Users", true],
    ["/", false],
    ["/", true],
  ])(
    "%s descending=%s: one page, pages by index and pages by cursor give the same order",
    async (path, descending) => {
      const want = expected(path === "/", descending);
      const whole = await c.call("GET", `${path}?${query(descending)}`);
      expect(whole.body.Resources.map((x: { id: string }) => x.id)).toEqual(want);
      for (const count of [1, 2, 3]) {
        const byIndex: string[] = [];
        for (let start = 1; start <= want.length; start += count) {
          const r = await c.call("GET", `${path}?${query(descending)}&startIndex=${start}&count=${count}`);
          expect(r.body.totalResults).toBe(want.length);
          byIndex.push(...r.body.Resources.map((x: { id: string }) => x.id));
        }
        expect(byIndex, `by index, count ${count}`).toEqual(want);
        const byCursor: string[] = [];
        let cursor = "";
        for (let pages = 0; pages <= want.length; pages++) {
          const r = await c.call("GET", `${path}?${query(descending)}&count=${count}&cursor=${cursor}`);
          expect(r.status).toBe(200);
          // A cursor is only given when there is more: no empty last page.
          expect(r.body.Resources.length).toBeGreaterThan(0);
          byCursor.push(...r.body.Resources.map((x: { id: string }) => x.id));
          cursor = r.body.nextCursor ?? "";
          if (!cursor) break;
        }
        expect(byCursor, `by cursor, count ${count}`).toEqual(want);
      }
    },
  );
});

describe("input hygiene", () => {
  test("two Authorization headers are one malformed credential, as the host joins them, not the first one", async () => {
    // The host hands the worker every value of a repeated header joined by "," (StringValues).
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http
        .get(
          `${c.baseUrl}/ServiceProviderConfig`,
          { headers: { Authorization: [`Bearer ${TOKEN}`, "Bearer other"] } },
          (response) => {
            response.resume();
            resolve(response.statusCode);
          },
        )
        .on("error", reject);
    });
    expect(status).toBe(401);
  });

  test.each([
    ["top level", JSON.parse('{"userName":"h1@x.y","__proto__":{"title":"x"}}')],
    ["complex value", JSON.parse('{"userName":"h2@x.y","name":{"__proto__":{"givenName":"x"}}}')],
    [
      "extension",
      JSON.parse(
        '{"userName":"h3@x.y","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"constructor":{"x":1}}}',
      ),
    ],
    [
      "multi-valued element",
      JSON.parse('{"userName":"h4@x.y","emails":[{"prototype":"x","value":"a@b.c"}]}'),
    ],
  ])(
    "a %s member named __proto__/constructor/prototype is 400 and nothing is stored",
    async (_where, body) => {
      const r = await c.call("POST", "/Users", JSON.stringify(body));
      expect(r.status).toBe(400);
      expect(r.body.scimType).toBe("invalidValue");
      const found = await c.call(
        "GET",
        `/Users?filter=${enc(`userName eq "${(body as { userName: string }).userName}"`)}`,
      );
      expect(found.body.totalResults).toBe(0);
    },
  );

  test("a string holding half a surrogate pair is 400 naming the attribute, and nothing is stored; a whole pair is text", async () => {
    const lone = await c.call("POST", "/Users", '{"userName":"lone\\ud800@x.y"}');
    expect(lone.status).toBe(400);
    expect(lone.body).toMatchObject({ scimType: "invalidValue" });
    expect(lone.body.detail).toMatch(/^Attribute 'userName': .*unpaired surrogate/);
    const nested = await c.call(
      "POST",
      "/Users",
      '{"userName":"lone2@x.y","emails":[{"value":"a\\udfffb@x.y"}]}',
    );
    expect(nested.body.detail).toMatch(/^Attribute 'emails\[0\]\.value': /);
    const name = await c.call("POST", "/Users", '{"userName":"lone3@x.y","\\ud800":1}');
    expect(name.status).toBe(400);
    const listed = await c.call("GET", `/Users?filter=${enc('userName sw "lone"')}`);
    expect(listed.body.totalResults).toBe(0);

    const pair = await c.call("POST", "/Users", '{"userName":"pair\\ud83d\\ude00@x.y"}');
    expect(pair.status).toBe(201);
    expect(pair.body.userName).toBe("pair\u{1F600}@x.y");
    const u = pair.body.id as string;
    const patch = await c.call(
      "PATCH",
      `/Users/${u}`,
      `{"schemas":["${PATCH}"],"Operations":[{"op":"replace","path":"displayName","value":"x\\udbff"}]}`,
    );
    expect(patch.status).toBe(400);
    const after = await c.call("GET", `/Users/${u}`);
    expect(after.body.displayName).toBeUndefined();
    expect(after.body.meta.version).toBe(pair.body.meta.version);
    const filtered = await c.call("GET", `/Users?filter=${enc('userName eq "pair\\ud83d"')}`);
    expect(filtered.status).toBe(400);
    expect(filtered.body.scimType).toBe("invalidFilter");
  });

  test("group members and PATCH values cannot smuggle a member through __proto__", async () => {
    const u = await user();
    const g = await c.call(
      "POST",
      "/Groups",
      JSON.stringify({
        displayName: `Smuggle ${++seq}`,
        members: [JSON.parse(`{"__proto__":{"value":"${u}"}}`)],
      }),
    );
    expect(g.status).toBe(400);
    const real = await group(`Smuggle ${++seq}`);
    const p = await c.call(
      "PATCH",
      `/Groups/${real}`,
      JSON.stringify({
        schemas: [PATCH],
        Operations: [{ op: "add", path: "members", value: [JSON.parse(`{"__proto__":{"value":"${u}"}}`)] }],
      }),
    );
    expect(p.status).toBe(400);
    expect((await c.call("GET", `/Groups/${real}`)).body.members).toEqual([]);
    const path = await c.call("PATCH", `/Users/${u}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: "__proto__", value: "x" }],
    });
    expect(path.status).toBe(400);
  });

  test("a member name given twice in one object is 400 naming it, and nothing is written (JSON.parse kept only the last)", async () => {
    const twice = await c.call("POST", "/Users", '{"userName":"twice1@x.y","userName":"twice2@x.y"}');
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ scimType: "invalidValue" });
    expect(twice.body.detail).toBe(
      "Attribute 'userName' is given more than once in one object of the request body.",
    );
    const listed = await c.call("GET", `/Users?filter=${enc('userName sw "twice"')}`);
    expect(listed.body.totalResults).toBe(0);

    // An escape spells the same name; nested objects and PatchOp members are checked too.
    const escaped = await c.call("POST", "/Users", '{"userName":"twice3@x.y","user\\u004eame":"x@x.y"}');
    expect(escaped.body.detail).toMatch(/^Attribute 'userName' is given more than once/);
    const u = await user({ displayName: "Before" });
    const patch = await c.call(
      "PATCH",
      `/Users/${u}`,
      `{"schemas":["${PATCH}"],"Operations":[{"op":"replace","path":"displayName","value":"After"}],` +
        `"Operations":[{"op":"replace","path":"title","value":"T"}]}`,
    );
    expect(patch.status).toBe(400);
    expect(patch.body.detail).toMatch(/^Attribute 'Operations' is given more than once/);
    const nested = await c.call(
      "PATCH",
      `/Users/${u}`,
      `{"schemas":["${PATCH}"],"Operations":[{"op":"replace","value":{"displayName":"A","displayName":"B"}}]}`,
    );
    expect(nested.body.detail).toMatch(/^Attribute 'Operations\[0\]\.value\.displayName' is given/);
    // The same name in two cases is the same attribute (RFC 7643 §2.1): one would be lost as well.
    const cased = await c.call("PATCH", `/Users/${u}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", value: { displayName: "A", DISPLAYNAME: "B" } }],
    });
    expect(cased.status).toBe(400);
    expect(cased.body).toMatchObject({ scimType: "invalidValue" });
    expect(cased.body.detail).toMatch(/^Attribute 'displayName' is given more than once in the value/);
    expect((await c.call("GET", `/Users/${u}`)).body.displayName).toBe("Before");
    // The same names in different objects are no duplicate.
    const apart = await c.call(
      "POST",
      "/Users",
      '{"userName":"apart@x.y","name":{"givenName":"A"},"emails":[{"value":"a@x.y"},{"value":"b@x.y"}]}',
    );
    expect(apart.status).toBe(201);
  });

  test("a sub-attribute given twice under names differing in case is 400 naming it, and nothing is written", async () => {
    const post = await c.call("POST", "/Users", {
      userName: "subtwice@x.y",
      name: { givenName: "Ann", GIVENNAME: "Anna" },
    });
    expect(post.status).toBe(400);
    expect(post.body).toMatchObject({ scimType: "invalidValue" });
    expect(post.body.detail).toBe(
      "Attribute 'name.givenName': is given more than once (attribute names are case-insensitive).",
    );
    expect(
      (await c.call("GET", `/Users?filter=${enc('userName eq "subtwice@x.y"')}`)).body.totalResults,
    ).toBe(0);
    const u = await user({ emails: [{ value: "before@x.y" }] });
    const put = await c.call("PUT", `/Users/${u}`, {
      userName: "subtwice.put@x.y",
      emails: [{ value: "a@x.y" }, { value: "b@x.y", Value: "c@x.y" }],
    });
    expect(put.status).toBe(400);
    expect(put.body.detail).toMatch(/^Attribute 'emails\[1\]\.value': is given more than once/);
    const patch = await c.call("PATCH", `/Users/${u}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: "emails", value: [{ value: "d@x.y", VALUE: "e@x.y" }] }],
    });
    expect(patch.status).toBe(400);
    expect(patch.body.detail).toMatch(/^Attribute 'emails\[0\]\.value': is given more than once/);
    expect((await c.call("GET", `/Users/${u}`)).body.emails).toEqual([{ value: "before@x.y" }]);
  });
});

describe("Microsoft's reference client forms", () => {
  test('attributes=emails[type eq "work"] is read as emails', async () => {
    const u = await user({ emails: [{ type: "work", value: "w@x.y" }], title: "T" });
    const r = await c.call("GET", `/Users/${u}?attributes=${enc('emails[type eq "work"]')}`);
    expect(r.status).toBe(200);
    expect(r.body.emails).toEqual([{ type: "work", value: "w@x.y" }]);
    expect(r.body.title).toBeUndefined();
    const sub = await c.call("GET", `/Users/${u}?attributes=${enc('emails[type eq "work"].value')}`);
    expect(sub.body.emails).toEqual([{ value: "w@x.y" }]);
  });
});

describe("query parameters", () => {
  test("schemas (RFC 7643 §3, on every resource, always returned) can be named in attributes and excludedAttributes", async () => {
    const u = await user({ title: "T" });
    const only = await c.call("GET", `/Users/${u}?attributes=schemas`);
    expect(only.status).toBe(200);
    expect(only.body).toEqual({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], id: u });
    const without = await c.call("GET", `/Users/${u}?excludedAttributes=SCHEMAS,title`);
    expect(without.status).toBe(200);
    expect(without.body.schemas).toEqual(["urn:ietf:params:scim:schemas:core:2.0:User"]);
    expect(without.body.title).toBeUndefined();
  });

  test("parameter names are case-insensitive on one resource as on a list, writes' answers included", async () => {
    const u = await user({ title: "T" });
    const list = await c.call("GET", `/Users?filter=${enc(`id eq "${u}"`)}&Attributes=title`);
    expect(list.body.Resources[0]).toEqual({ schemas: [expect.any(String)], id: u, title: "T" });
    const one = await c.call("GET", `/Users/${u}?Attributes=title`);
    expect(one.body).toEqual({ schemas: [expect.any(String)], id: u, title: "T" });
    const excluded = await c.call("GET", `/Users/${u}?EXCLUDEDATTRIBUTES=title`);
    expect(excluded.body.title).toBeUndefined();
    const g = await group(`Case ${++seq}`);
    const patched = await c.call("PATCH", `/Groups/${g}?Attributes=displayName`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "displayName", value: `Case ${++seq}` }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ schemas: [expect.any(String)], id: g, displayName: `Case ${seq}` });
  });

  test("a query parameter named like a route value in another case leaves the route value as it is", async () => {
    // In Azure the route values come in one case-insensitive dictionary with the query parameters,
    // under the name written first: here `ID`, which the local host reproduces.
    const u = await user();
    const one = await c.call("GET", `/Users/${u}?ID=other`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(u);
    const schema = await c.call("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User?Id=x");
    expect(schema.status).toBe(200);
    const nowhere = await c.call("DELETE", "/Widgets/1?PATH=x");
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.detail).toContain("/Widgets/1 ");
  });

  test("a known parameter given twice (in any case) is 400 naming it, rather than one silently dropped", async () => {
    const u = await user({ title: "T" });
    for (const path of [
      `/Users?filter=${enc(`id eq "${u}"`)}&filter=${enc('id eq "other"')}`,
      `/Users?count=1&COUNT=2`,
      `/?attributes=id&Attributes=title`,
      `/Users/${u}?attributes=id&attributes=title`,
    ]) {
      const r = await c.call("GET", path);
      expect(r.status, path).toBe(400);
      expect(r.body.scimType).toBe("invalidValue");
      expect(r.body.detail).toMatch(/^Query parameter '(filter|count|attributes)' is given more than once/);
    }
    const search = await c.call("POST", "/Users/.search", { schemas: [SEARCH], count: 1, Count: 2 });
    expect(search.status).toBe(400);
    expect(search.body.detail).toMatch(/^Query parameter 'count' is given more than once/);
    // A write that would answer with a projection is refused before it writes.
    const put = await c.call("PATCH", `/Users/${u}?attributes=id&attributes=title`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "title", value: "changed" }],
    });
    expect(put.status).toBe(400);
    expect((await c.call("GET", `/Users/${u}`)).body.title).toBe("T");
    // Unknown parameters stay ignored, repeated or not (Entra adds aadOptscim062020).
    expect((await c.call("GET", "/Users?x=1&x=2&count=0")).status).toBe(200);
  });

  test("a count or startIndex that is not an integer is 400 naming the parameter and what came", async () => {
    for (const [query, detail] of [
      ["count=1.5", `Query parameter 'count' must be an integer, not "1.5".`],
      ["startIndex=abc", `Query parameter 'startIndex' must be an integer, not "abc".`],
    ]) {
      const r = await c.call("GET", `/Users?${query}`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ scimType: "invalidValue", detail });
    }
    const search = await c.call("POST", "/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      count: true,
    });
    expect(search.status).toBe(400);
    expect(search.body.detail).toBe("Query parameter 'count' must be an integer, not true.");
    // Integers as a SearchRequest sends them, and as strings with spaces, still work.
    const ok = await c.call("GET", "/Users?count=%201%20&startIndex=1");
    expect(ok.status).toBe(200);
    expect(ok.body.itemsPerPage).toBeLessThanOrEqual(1);
  });

  test("a write whose attributes or excludedAttributes names no attribute is 400 and writes nothing", async () => {
    const userName = `proto.projection.${++seq}@contoso.com`;
    const post = await c.call("POST", "/Users?attributes=nope", { userName });
    expect(post).toMatchObject({ status: 400, body: { scimType: "invalidValue" } });
    const found = await c.call("GET", `/Users?filter=${enc(`userName eq "${userName}"`)}`);
    expect(found.body.totalResults).toBe(0);

    const u = await user({ title: "before" });
    const patched = await c.call("PATCH", `/Users/${u}?excludedAttributes=nope`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "title", value: "after" }],
    });
    expect(patched.status).toBe(400);
    const put = await c.call("PUT", `/Users/${u}?attributes=nope`, {
      userName: `proto.${++seq}@contoso.com`,
    });
    expect(put.status).toBe(400);
    expect((await c.call("GET", `/Users/${u}`)).body).toMatchObject({ title: "before" });

    const g = await group(`proto projection ${++seq}`, [u]);
    const groupPut = await c.call("PUT", `/Groups/${g}?attributes=nope`, { displayName: "emptied" });
    expect(groupPut.status).toBe(400);
    const after = await c.call("GET", `/Groups/${g}`);
    expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([u]);
  });
});

describe("PATCH of a missing resource", () => {
  test("is 404 whatever its operations contain", async () => {
    const missing = "00000000-0000-0000-0000-000000000000";
    const r = await c.call("PATCH", `/Groups/${missing}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: "members", value: [{ value: "no-such-member" }] }],
    });
    expect(r.status).toBe(404);
    const bad = await c.call("PATCH", `/Users/${missing}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: "nosuch", value: 1 }],
    });
    expect(bad.status).toBe(404);
  });
});

describe("PATCH of a password (writeOnly, kept only as a hash)", () => {
  test("a remove, or a replace with null, unassigns it: its hash goes (RFC 7644 §3.5.2.2)", async () => {
    const services = await createServices(process.env);
    const users = services.scope(process.env.SCIM_TENANT_ID ?? "default").users;
    for (const op of [
      { op: "remove", path: "password" },
      { op: "replace", path: "password", value: null },
    ]) {
      const id = await user({ password: "s3cret-Passw0rd" });
      expect((await users.read(id))?.passwordHash).toMatch(/^scrypt\$/);
      const r = await c.call("PATCH", `/Users/${id}`, { schemas: [PATCH], Operations: [op] });
      expect(r.status).toBe(200);
      expect((await users.read(id))?.passwordHash).toBeUndefined();
      // Removing what is not there writes nothing: the version stays.
      const again = await c.call("PATCH", `/Users/${id}`, { schemas: [PATCH], Operations: [op] });
      expect(again.body.meta.version).toBe(r.body.meta.version);
    }
    // A new password in the same request as a remove: the last operation wins.
    const id = await user({ password: "s3cret-Passw0rd" });
    const before = (await users.read(id))?.passwordHash;
    await c.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: "remove", path: "password" },
        { op: "replace", path: "password", value: "n3w-Passw0rd" },
      ],
    });
    const after = (await users.read(id))?.passwordHash;
    expect(after).toMatch(/^scrypt\$/);
    expect(after).not.toBe(before);
  });

  test('"" is no password, in a PATCH as in a POST or PUT: the stored hash stays, none is made', async () => {
    const services = await createServices(process.env);
    const users = services.scope(process.env.SCIM_TENANT_ID ?? "default").users;
    const none = await user({ password: "" });
    expect((await users.read(none))?.passwordHash).toBeUndefined();
    const id = await user({ password: "s3cret-Passw0rd" });
    const hash = (await users.read(id))?.passwordHash;
    const put = await c.call("PUT", `/Users/${id}`, { userName: `proto.${++seq}@contoso.com`, password: "" });
    expect(put.status).toBe(200);
    expect((await users.read(id))?.passwordHash).toBe(hash);
    const r = await c.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "password", value: "" }],
    });
    expect(r.status).toBe(200);
    expect(r.body.meta.version).toBe(put.body.meta.version);
    expect((await users.read(id))?.passwordHash).toBe(hash);
    // Beside another change it is still no password: that change is written, the hash kept.
    const both = await c.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: "replace", path: "password", value: "" },
        { op: "replace", path: "title", value: "Lead" },
      ],
    });
    expect(both.body).toMatchObject({ title: "Lead" });
    expect(both.body.meta.version).not.toBe(put.body.meta.version);
    expect((await users.read(id))?.passwordHash).toBe(hash);
  });
});
