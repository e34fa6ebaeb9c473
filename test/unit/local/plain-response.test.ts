import { HttpResponse, type HttpResponseInit } from "@azure/functions";
import { describe, expect, test } from "vitest";
import { plainResponse, viaHttpResponse } from "../../../shared/local/plain-response.js";

// The local host writes a handler's plain result directly; it must write exactly what the
// HttpResponse (web-stream Response) path writes for the same result.
const SCIM = "application/scim+json; charset=utf-8";

const written: [string, unknown][] = [
  ["the pipeline's JSON answer", { status: 200, headers: { "Content-Type": SCIM }, body: '{"id":"1"}' }],
  [
    "201 with Location and ETag",
    {
      status: 201,
      headers: { "Content-Type": SCIM, Location: "http://x/Users/1", ETag: 'W/"a"' },
      body: "{}",
    },
  ],
  ["204 without body", { status: 204, headers: {} }],
  ["204 with a body (dropped)", { status: 204, body: "x" }],
  ["304 with jsonBody (dropped)", { status: 304, jsonBody: { a: 1 } }],
  ["no status", { body: "hello" }],
  ["empty object", {}],
  ["undefined", undefined],
  ["null", null],
  ["string body gets text/plain", { status: 400, body: "bad" }],
  ["empty string body", { status: 200, body: "" }],
  ["unicode body", { body: "café ☕ \ud83d\ude00" }],
  ["lone surrogate", { body: "a\ud800b" }],
  ["jsonBody gets application/json", { status: 200, jsonBody: { a: [1, "x"] } }],
  ["jsonBody keeps a given content type", { jsonBody: [1], headers: { "content-type": SCIM } }],
  ["jsonBody wins over body", { jsonBody: { a: 1 }, body: "ignored" }],
  ["null jsonBody falls back to body", { jsonBody: null, body: "b" }],
  ["Uint8Array body", { body: new Uint8Array([1, 2, 3]) }],
  ["Buffer slice body", { body: Buffer.from("xxabcxx").subarray(2, 5) }],
  ["ArrayBuffer body", { body: new Uint8Array([9, 8]).buffer }],
  ["header names of two cases combine", { headers: { "X-A": "1", "x-a": "2" }, body: "" }],
  ["header value whitespace trimmed", { headers: { "X-B": "  v \t" } }],
  ["Retry-After on 503", { status: 503, headers: { "Retry-After": "5", "Content-Type": SCIM }, body: "{}" }],
  ["empty cookies", { cookies: [], body: "c" }],
  ["enableContentNegotiation", { enableContentNegotiation: true, body: "n" }],
];

describe("plainResponse", () => {
  test.each(written)("%s: same status, headers and bytes as the HttpResponse path", async (_name, result) => {
    const fast = plainResponse(result);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await viaHttpResponse(result));
  });

  test.each([
    ["an HttpResponse", new HttpResponse({ status: 200, body: "x" })],
    ["a stream body", { body: new ReadableStream() }],
    ["a Blob body", { body: new Blob(["x"]) }],
    ["URLSearchParams body", { body: new URLSearchParams("a=1") }],
    ["Headers instance", { headers: new Headers({ a: "1" }) }],
    ["header array", { headers: [["a", "1"]] }],
    ["a set-cookie header", { headers: { "Set-Cookie": "a=1" } }],
    ["cookies", { cookies: [{ name: "a", value: "1" }] }],
    ["status out of range", { status: 700 }],
    ["status not an integer", { status: 200.5 }],
    ["an unknown key", { status: 200, bodyy: "typo" }],
    ["a class instance", new (class {})()],
    ["a non-string header value", { headers: { a: 1 } }],
  ])("%s takes the general path", (_name, result) => {
    expect(plainResponse(result as HttpResponseInit)).toBeUndefined();
  });

  test("the general path renders an HttpResponse as before", async () => {
    const r = await viaHttpResponse(new HttpResponse({ status: 202, jsonBody: { ok: true } }));
    expect(r).toEqual({
      status: 202,
      headers: { "content-type": "application/json" },
      body: Buffer.from('{"ok":true}'),
    });
  });
});
