import { describe, expect, test } from "vitest";
import type { Registration } from "../../../shared/local/functions-core-shim.js";
import { compileRoutes, hostParams } from "../../../shared/local/match-route.js";

const reg = (name: string, methods: string[], route: string): Registration => ({
  name,
  methods,
  route,
  handler: () => undefined,
});

// The shapes functions/ registers, in file (registration) order.
const registrations = [
  reg("groups-get", ["GET"], "Groups/{id}"),
  reg("groups-search", ["POST"], "Groups/.search"),
  reg("me", ["GET", "POST", "PUT", "PATCH", "DELETE"], "Me"),
  reg("users-get", ["GET"], "Users/{id}"),
  reg("users-list", ["GET"], "Users"),
  reg("users-patch", ["PATCH"], "Users/{id}"),
  reg("users-search", ["POST"], "Users/.search"),
  reg("users-create", ["POST"], "Users"),
];
const table = compileRoutes(registrations);
const hit = (method: string, path: string) => {
  const m = table.match(method, path);
  return m ? { name: m.registration.name, params: m.params } : undefined;
};

describe("compileRoutes", () => {
  test.each([
    ["GET", "/Users", "users-list", {}],
    ["GET", "/users", "users-list", {}],
    ["get", "/USERS/", "users-list", {}],
    ["GET", "/Users/abc", "users-get", { id: "abc" }],
    ["PATCH", "/Users/abc", "users-patch", { id: "abc" }],
    ["POST", "/Users/.search", "users-search", {}],
    ["POST", "/users/.SEARCH", "users-search", {}],
    // Kestrel never decodes %2F (UrlDecoder.SkipUnescape): the route value keeps it as sent.
    ["GET", "/Users/a%20b%2Fc", "users-get", { id: "a b%2Fc" }],
    ["GET", "/Users/%2f%C3%A9%2F", "users-get", { id: "%2fé%2F" }],
    ["GET", "/Users/%C3%2F%A9", "users-get", { id: "%C3%2F%A9" }],
    ["DELETE", "/me", "me", {}],
    ["GET", "/Groups/x", "groups-get", { id: "x" }],
    // Kestrel decodes valid UTF-8 escapes and leaves every other escape as sent.
    ["GET", "/Users/%E0%A4%A", "users-get", { id: "%E0%A4%A" }],
    ["GET", "/Users/%zz%41", "users-get", { id: "%zzA" }],
    ["GET", "/Users/caf%C3%A9%E0%F0%9F%98%80%C3", "users-get", { id: "café%E0😀%C3" }],
    ["GET", "/Users/%C0%AF%2525", "users-get", { id: "%C0%AF%25" }],
  ])("%s %s -> %s", (method, path, name, params) => {
    expect(hit(method, path)).toEqual({ name, params });
  });

  test.each([
    ["DELETE", "/Users/abc"],
    ["GET", "/Users/a/b"],
    ["GET", "/Nope"],
    ["GET", "/"],
    ["OPTIONS", "/Users"],
  ])("%s %s matches nothing", (method, path) => {
    expect(table.match(method, path)).toBeUndefined();
  });

  test("like the Functions host, routes are tried in the alphabetical order of function names, not by specificity", () => {
    const both = [reg("get", ["GET"], "Items/{id}"), reg("recent", ["GET"], "Items/recent")];
    for (const order of [both, [...both].reverse()]) {
      const t = compileRoutes(order);
      // "get" sorts before "recent": its parameter takes the literal's path too.
      expect(t.match("GET", "/items/RECENT")?.registration.name).toBe("get");
      expect(t.match("GET", "/items/42")?.registration.name).toBe("get");
    }
    const named = compileRoutes([
      reg("b-items", ["GET"], "Items/{id}"),
      reg("a-recent", ["GET"], "Items/recent"),
    ]);
    expect(named.match("GET", "/items/recent")?.registration.name).toBe("a-recent");
  });

  test("registration order does not matter, names do", () => {
    const t = compileRoutes([reg("second", ["GET"], "{a}/x"), reg("first", ["GET"], "x/{b}")]);
    expect(t.match("GET", "/x/x")?.registration.name).toBe("first");
  });

  test("a {*path} catch-all named to sort last takes what no other route matches, the rest of the path", () => {
    const t = compileRoutes([
      reg("zz-fallback", ["GET", "POST", "PUT", "PATCH", "DELETE"], "{*path}"),
      ...registrations,
    ]);
    expect(t.match("GET", "/Users/abc")?.registration.name).toBe("users-get");
    expect(t.match("POST", "/Users")?.registration.name).toBe("users-create");
    expect(t.match("DELETE", "/Users/abc")).toEqual({
      registration: expect.objectContaining({ name: "zz-fallback" }),
      params: { path: "Users/abc" },
    });
    // A catch-all that takes no segment has a null route value in the host: no params entry.
    expect(t.match("GET", "/")?.params).toEqual({ path: undefined });
    expect(t.match("GET", "/Users/a/b/c")?.params).toEqual({ path: "Users/a/b/c" });
    // Named to sort first, the same catch-all would answer every request.
    const first = compileRoutes([reg("a-fallback", ["GET"], "{*path}"), ...registrations]);
    expect(first.match("GET", "/Users/abc")?.registration.name).toBe("a-fallback");
  });

  test("a catch-all after literal segments needs those segments", () => {
    const t = compileRoutes([reg("files", ["GET"], "Files/{**rest}")]);
    expect(t.match("GET", "/files/a/b")?.params).toEqual({ rest: "a/b" });
    expect(t.match("GET", "/files")?.params).toEqual({ rest: undefined });
    expect(t.match("GET", "/other/a")).toBeUndefined();
  });
});

describe("empty segments and trailing slashes, as ASP.NET Core routing splits a path (PathTokenizer)", () => {
  const t = compileRoutes([reg("zz-fallback", ["GET", "POST"], "{*path}"), ...registrations]);

  test("one trailing slash is ignored", () => {
    expect(hit("GET", "/Users/abc/")).toEqual({ name: "users-get", params: { id: "abc" } });
    expect(hit("GET", "/Users/")).toEqual({ name: "users-list", params: {} });
  });

  test("an empty segment matches no literal and no parameter: the catch-all takes the path as it is", () => {
    expect(hit("GET", "/Users//abc")).toBeUndefined();
    expect(hit("GET", "//Users")).toBeUndefined();
    expect(hit("GET", "/Users//")).toBeUndefined();
    expect(t.match("GET", "/Users//abc")?.params).toEqual({ path: "Users//abc" });
    expect(t.match("GET", "//Users")?.params).toEqual({ path: "/Users" });
    expect(t.match("POST", "/Users/abc/")?.params).toEqual({ path: "Users/abc/" });
  });
});

describe("hostParams", () => {
  const params = (query: string, route: Record<string, string>) =>
    hostParams(new URLSearchParams(query), route);

  test("holds the query parameters as the host's binding data does: the last of a repeated name, never code", () => {
    expect(params("filter=a+b&count=1&COUNT=2&code=k", {})).toEqual({ filter: "a b", count: "2" });
  });

  test("a route value wins over a query parameter of its name, under the name the query wrote first", () => {
    expect(params("ID=1&id=2", { id: "abc" })).toEqual({ ID: "abc" });
    expect(params("path=x", { path: "Widgets/1" })).toEqual({ path: "Widgets/1" });
    expect(params("", { id: "abc" })).toEqual({ id: "abc" });
    // A null route value (an empty catch-all) replaces the query's, and null is not sent.
    expect(Object.keys(hostParams(new URLSearchParams("path=x"), { path: undefined }))).toEqual([]);
  });
});
