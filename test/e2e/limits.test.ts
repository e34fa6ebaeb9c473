import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tokenEndpointUrl } from "../../shared/discovery/authentication-schemes.js";
import { type Client, startServer, TOKEN } from "../support/local-server.js";

/** Limits, races and bounded work (what real Cosmos DB would otherwise turn into 500s or losses). */

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
let c: Client;

beforeAll(async () => {
  c = await startServer();
}, 30_000);
afterAll(async () => {
  await c?.server.close();
});

let seq = 0;
const user = async (extra: Record<string, unknown> = {}) => {
  const r = await c.call("POST", "/Users", { userName: `limits.${++seq}@contoso.com`, ...extra });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

describe("ids Cosmos DB cannot store", () => {
  // White space only: the SDK refuses such an id before sending anything, as it refuses "".
  test.each(["a%23b", "a%3Fb", "a%5Cb", "x".repeat(256), "%20", "%09", "%20%0A"])(
    "%s answers 404 on every route, never 500",
    async (id) => {
      for (const [method, body] of [
        ["GET", undefined],
        ["PUT", { userName: "x@y.z" }],
        ["PATCH", patch({ op: "replace", path: "active", value: false })],
        ["DELETE", undefined],
      ] as const) {
        const r = await c.call(method, `/Users/${id}`, body);
        expect(r.status, `${method} ${id}`).toBe(404);
        expect(r.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
      }
    },
  );

  test.each(["a/b", " ", "\t"])(
    "a member id Cosmos DB cannot store (%j) is an unknown member (400), not a 500",
    async (value) => {
      const g = await c.call("POST", "/Groups", {
        displayName: `bad-member ${++seq}`,
        members: [{ value }],
      });
      expect(g.status).toBe(400);
      expect(g.body.scimType).toBe("invalidValue");
    },
  );
});

describe("Cosmos DB's 2 MB item limit", () => {
  test("a PATCH that would grow a user past the limit is 413 naming it, and changes nothing", async () => {
    const id = await user();
    const before = await c.call("GET", `/Users/${id}`);
    // One 400 KB value per request stays under the body limit; stored twice (as sent and
    // lower-cased), the third request passes 2 MB.
    const big = (n: number) => ({
      op: "add",
      path: "emails",
      value: [{ value: `${n}${"x".repeat(400_000)}@a.b` }],
    });
    let last = before;
    for (let i = 0; i < 4; i++) {
      last = await c.call("PATCH", `/Users/${id}?attributes=userName`, patch(big(i)));
      if (last.status !== 200) break;
    }
    expect(last.status).toBe(413);
    expect(last.body.detail).toMatch(/within the 2 MB item limit/);
    const stored = await c.call("GET", `/Users/${id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.emails).toHaveLength(2);
  });

  test("the default body limit keeps one request below the item limit: 413 before anything is read", async () => {
    const r = await c.call("POST", "/Users", {
      userName: `huge.${++seq}@x.y`,
      nickName: "x".repeat(600_000),
    });
    expect(r.status).toBe(413);
    expect(r.body.detail).toMatch(/524288 bytes/);
  });
});

describe("cursors (RFC 9865) are integrity-protected", () => {
  test("tampered, foreign-query and garbage cursors are 400 invalidCursor", async () => {
    for (let i = 0; i < 3; i++) await user({ title: "cursor" });
    const first = await c.call("GET", "/Users?filter=title%20eq%20%22cursor%22&cursor&count=1");
    expect(first.status).toBe(200);
    const cursor = first.body.nextCursor as string;
    expect(cursor).toBeTruthy();
    const next = await c.call("GET", `/Users?filter=title%20eq%20%22cursor%22&count=1&cursor=${cursor}`);
    expect(next.status).toBe(200);
    const [continuation, tag] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const tampered = Buffer.from(JSON.stringify([`${continuation}x`, tag])).toString("base64url");
    const forged = Buffer.from(JSON.stringify([continuation, "AAAAAAAAAAAAAAAAAAAAAA"])).toString(
      "base64url",
    );
    for (const bad of [tampered, forged, "not-a-cursor", cursor.slice(0, -2)]) {
      const r = await c.call("GET", `/Users?filter=title%20eq%20%22cursor%22&count=1&cursor=${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.scimType).toBe("invalidCursor");
    }
    const otherQuery = await c.call("GET", `/Users?filter=title%20eq%20%22other%22&count=1&cursor=${cursor}`);
    expect(otherQuery.body.scimType).toBe("invalidCursor");
  });
});

describe("concurrency", () => {
  test("10 parallel PATCHes to one user all succeed and every change is kept", async () => {
    const id = await user();
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        c.call(
          "PATCH",
          `/Users/${id}`,
          patch({ op: "add", path: "emails", value: [{ value: `e${i}@x.y` }] }),
        ),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    const final = await c.call("GET", `/Users/${id}`);
    expect(final.body.emails.map((e: { value: string }) => e.value).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `e${i}@x.y`).sort(),
    );
  });

  test("50 parallel member adds to one group all succeed and every member is kept", async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, () => user()));
    const g = await c.call("POST", "/Groups", { displayName: `parallel ${++seq}` });
    const replies = await Promise.all(
      ids.map((value) =>
        c.call("PATCH", `/Groups/${g.body.id}`, patch({ op: "Add", path: "members", value: [{ value }] })),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(204));
    const final = await c.call("GET", `/Groups/${g.body.id}`);
    expect(final.body.members.map((m: { value: string }) => m.value).sort()).toEqual([...ids].sort());
  });
});

describe("DELETE removes the resource first, then its memberships", () => {
  test("a deleted member disappears from its groups; a repeated DELETE is 404 and finishes any sweep", async () => {
    const [a, b] = [await user(), await user()];
    const g = await c.call("POST", "/Groups", {
      displayName: `sweep ${++seq}`,
      members: [{ value: a }, { value: b }],
    });
    expect((await c.call("DELETE", `/Users/${a}`)).status).toBe(204);
    const after = await c.call("GET", `/Groups/${g.body.id}`);
    expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    const again = await c.call("DELETE", `/Users/${a}`);
    expect(again.status).toBe(404);
    const byMember = await c.call("GET", `/Groups?filter=${encodeURIComponent(`members[value eq "${a}"]`)}`);
    expect(byMember.body.totalResults).toBe(0);
  });

  test("If-Match is checked before anything changes", async () => {
    const a = await user();
    const g = await c.call("POST", "/Groups", { displayName: `guarded ${++seq}`, members: [{ value: a }] });
    const stale = await c.call("DELETE", `/Groups/${g.body.id}`, undefined, { "If-Match": 'W/"stale"' });
    expect(stale.status).toBe(412);
    const still = await c.call("GET", `/Groups/${g.body.id}`);
    expect(still.body.members).toHaveLength(1);
  });
});

describe("bounded work per request", () => {
  test("a filter of 30 nested and/or levels is answered (the SQL's cost grows linearly)", async () => {
    let filter = 'userName eq "x0"';
    for (let depth = 1; depth <= 30; depth++) {
      filter = `userName eq "x${depth}" ${depth % 2 ? "or" : "and"} (${filter})`;
    }
    const r = await c.call("GET", `/Users?filter=${encodeURIComponent(filter)}`);
    expect(r.status).toBe(200);
    expect(r.body.totalResults).toBe(0);
  });

  test("50 OR-ed members tests are one membership query and find the right groups", async () => {
    const members = await Promise.all(Array.from({ length: 50 }, () => user()));
    const g = await c.call("POST", "/Groups", {
      displayName: `or-ed ${++seq}`,
      members: members.slice(0, 1).map((value) => ({ value })),
    });
    const filter = members.map((id) => `members.value eq "${id}"`).join(" or ");
    const r = await c.call("POST", "/Groups/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter,
      excludedAttributes: "members",
    });
    expect(r.status).toBe(200);
    expect(r.body.Resources.map((x: { id: string }) => x.id)).toEqual([g.body.id]);
  });

  test("a PATCH adding 12,000 emails is answered", async () => {
    const id = await user();
    const value = Array.from({ length: 12_000 }, (_, i) => ({ value: `m${i}@x.y` }));
    const r = await c.call(
      "PATCH",
      `/Users/${id}?attributes=userName`,
      patch({ op: "add", path: "emails", value }),
    );
    expect(r.status).toBe(200);
  });

  test("startIndex past the end answers the total at once", async () => {
    const r = await c.call("GET", "/Users?startIndex=1000000&count=10");
    expect(r.status).toBe(200);
    expect(r.body.Resources).toEqual([]);
    expect(r.body.totalResults).toBeGreaterThan(0);
  });
});

describe("request bodies: nothing is read that need not be", () => {
  /**
   * Sends the headers and the first `first` bytes of a body, then waits for an answer before
   * sending more: a server that read the whole body before answering would never answer.
   */
  async function partial(headers: Record<string, string>, first: number, target = `${c.baseUrl}/Users`) {
    const url = new URL(target);
    const { request } = await import("node:http");
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers },
        (res) => {
          let body = "";
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on("error", () => undefined);
      req.write(Buffer.alloc(first, 0x20));
      setTimeout(() => reject(new Error("no answer before the body was complete")), 10_000).unref();
    });
  }

  test("an unauthenticated request is answered 401 before its body is read", async () => {
    const r = await partial(
      { "Content-Type": "application/scim+json", "Transfer-Encoding": "chunked" },
      64 * 1024,
    );
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
  });

  test("a declared Content-Length over the limit is 413 unread", async () => {
    const r = await partial(
      {
        Authorization: `Bearer ${TOKEN}`,
        "Content-Type": "application/scim+json",
        "Content-Length": String(64 * 1024 * 1024),
      },
      1024,
    );
    expect(r.status).toBe(413);
  });

  test("a chunked body is cut off at the limit: 413 while the client is still sending", async () => {
    const r = await partial(
      {
        Authorization: `Bearer ${TOKEN}`,
        "Content-Type": "application/scim+json",
        "Transfer-Encoding": "chunked",
      },
      600_000,
    );
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).detail).toMatch(/524288 bytes/);
  });

  test("the token endpoint reads no more than 64 KiB of a chunked body: 400 while the client is still sending", async () => {
    const r = await partial(
      { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
      200_000,
      tokenEndpointUrl(c.baseUrl),
    );
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: "invalid_request" });
  });

  test("the token endpoint refuses a declared Content-Length over 64 KiB unread", async () => {
    const r = await partial(
      { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(1024 * 1024) },
      1024,
      tokenEndpointUrl(c.baseUrl),
    );
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({
      error: "invalid_request",
      error_description: "The request body exceeds 65536 bytes.",
    });
  });

  test("a body nested thousands of levels deep is 400 invalidSyntax, not a stack overflow's 500", async () => {
    const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    for (const [method, path, body] of [
      ["POST", "/Users", `{"userName":"deep@x.y","x":${deep(20_000)}}`],
      [
        "POST",
        "/Bulk",
        `{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":${deep(5_000)}}`,
      ],
    ] as const) {
      const r = await c.call(method, path, body);
      expect(r.status, path).toBe(400);
      expect(r.body.scimType).toBe("invalidSyntax");
      expect(r.body.detail).toBe("The request body nests deeper than 64 levels.");
    }
    // At the limit the body is read and judged by the schema as usual.
    const atLimit = await c.call("POST", "/Users", `{"userName":"deep@x.y","x":${deep(63)}}`);
    expect(atLimit.status).toBe(400);
    expect(atLimit.body.detail).not.toMatch(/nests deeper/);
  });

  test("a body that is not valid UTF-8 is 400 invalidSyntax, not stored with replacement characters", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"userName":"bad'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('@x.y"}'),
    ]);
    const response = await fetch(`${c.baseUrl}/Users`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
      body: bytes,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { scimType: string }).scimType).toBe("invalidSyntax");
  });

  test("a media type or a content coding the server does not take is 415 naming it; identity is no coding", async () => {
    const post = (headers: Record<string, string>, body: Uint8Array | string) =>
      fetch(`${c.baseUrl}/Users`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json", ...headers },
        body,
      });
    const gzipped = await post({ "Content-Encoding": "gzip" }, gzipSync('{"userName":"gz@x.y"}'));
    expect(gzipped.status).toBe(415);
    expect(gzipped.headers.get("accept-encoding")).toBe("identity");
    expect(await gzipped.json()).toMatchObject({ status: "415", detail: expect.stringContaining("'gzip'") });
    const text = await post({ "Content-Type": "text/plain" }, '{"userName":"plain@x.y"}');
    expect(text.status).toBe(415);
    expect(((await text.json()) as { detail: string }).detail).toContain("'text/plain'");
    expect(
      (await c.call("GET", `/Users?filter=${encodeURIComponent('userName eq "gz@x.y"')}`)).body.totalResults,
    ).toBe(0);
    const identity = await post({ "Content-Encoding": "identity" }, '{"userName":"identity@x.y"}');
    expect(identity.status).toBe(201);
  });

  test("a charset parameter changes nothing (RFC 8259 §11): UTF-8 bytes are read as UTF-8, others are 400", async () => {
    const post = (body: Uint8Array) =>
      fetch(`${c.baseUrl}/Users`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          "Content-Type": "application/scim+json; charset=ISO-8859-1",
        },
        body,
      });
    const utf8 = await post(Buffer.from('{"userName":"zoë@x.y"}', "utf8"));
    expect(utf8.status).toBe(201);
    expect(((await utf8.json()) as { userName: string }).userName).toBe("zoë@x.y");
    // The same text in the encoding the header names is not UTF-8: refused, never stored as "zo?".
    const latin1 = await post(Buffer.from('{"userName":"zoë.latin1@x.y"}', "latin1"));
    expect(latin1.status).toBe(400);
    expect(((await latin1.json()) as { scimType: string }).scimType).toBe("invalidSyntax");
  });
});
