import fc from "fast-check";

/**
 * Fuzzing targets over HTTP: each turns a fast-check value into one request against a user and a
 * group that exist. Values mix well-formed SCIM (so deep code runs) with noise (so every parser
 * meets what it does not expect). Shared by the seed-fixed test in `npm test` and the bench.
 */

export interface FuzzRequest {
  method: string;
  /** Path under the Tenant URL; `{user}` and `{group}` are replaced by the fixtures' ids. */
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface FuzzTarget {
  name: string;
  requests: fc.Arbitrary<FuzzRequest>;
}

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const names = fc.constantFrom(
  "userName",
  "UserName",
  "displayName",
  "active",
  "emails",
  "emails.value",
  "emails.type",
  "name.givenName",
  "name.familyName",
  "name",
  "externalId",
  "id",
  "meta.created",
  "meta.lastModified",
  "meta.version",
  "password",
  "groups",
  "members",
  "members.value",
  "manager",
  "roles",
  "addresses",
  "title",
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:manager`,
  "__proto__",
  "constructor",
  "nosuch",
  'emails[type eq "work"].value',
  'members[value eq "x"]',
);
const scalars: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("True", "false", "", "2024-01-01T00:00:00Z", "x@contoso.com", "\u0000", "\uffff"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalars, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(names, fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 5 }),
})).value;

/** Filters: tokens of the grammar in any order, so both valid filters and near misses come up. */
const filterText = fc
  .array(
    fc.oneof(
      names,
      fc.constantFrom("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "and", "or", "not"),
      fc.constantFrom(
        "(",
        ")",
        "[",
        "]",
        '"x"',
        '"Work"',
        "true",
        "null",
        "42",
        '"\\u0041"',
        '"\\q"',
        ".",
        ":",
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 14 },
  )
  .map((tokens) => tokens.join(" "));

const enc = encodeURIComponent;

const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        "filter",
        "sortBy",
        "sortOrder",
        "startIndex",
        "count",
        "cursor",
        "attributes",
        "excludedAttributes",
        "aadOptscim062020",
        "FILTER",
      ),
      fc.oneof(filterText, names, fc.string({ maxLength: 10 }), fc.integer().map(String)),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&"));

const patchOperation = fc.record(
  {
    op: fc.oneof(
      fc.constantFrom("add", "Add", "replace", "Replace", "remove", "Remove", "move"),
      fc.string(),
    ),
    path: fc.oneof(names, filterText, fc.string({ maxLength: 10 })),
    value: json,
  },
  { requiredKeys: ["op"] },
);

const patchBody = fc.oneof(
  fc.record({
    schemas: fc.oneof(fc.constant([PATCH_OP]), json),
    Operations: fc.oneof(fc.array(patchOperation, { maxLength: 4 }), json),
  }),
  json,
);

const resourceBody = fc.oneof(
  fc.record(
    {
      schemas: fc.oneof(fc.constant(["urn:ietf:params:scim:schemas:core:2.0:User"]), json),
      userName: fc.oneof(fc.string({ maxLength: 12 }), scalars),
      displayName: scalars,
      emails: json,
      name: json,
      active: scalars,
      [ENTERPRISE]: json,
      members: json,
      extra: json,
    },
    { requiredKeys: [] },
  ),
  json,
);

const stringify = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));

export const FUZZ_TARGETS: FuzzTarget[] = [
  {
    name: "filters",
    requests: fc.tuple(fc.constantFrom("Users", "Groups"), filterText).map(([endpoint, filter]) => ({
      method: "GET",
      path: `/${endpoint}?filter=${enc(filter)}`,
    })),
  },
  {
    name: "query strings",
    requests: fc
      .tuple(
        fc.constantFrom("/Users", "/Groups", "/Users/{user}", "/Groups/{group}", "/Schemas"),
        queryString,
      )
      .map(([path, query]) => ({ method: "GET", path: `${path}?${query}` })),
  },
  {
    name: "PATCH bodies",
    requests: fc
      .tuple(fc.constantFrom("/Users/{user}", "/Groups/{group}"), patchBody)
      .map(([path, body]) => ({
        method: "PATCH",
        path,
        body: stringify(body),
      })),
  },
  {
    name: "resource bodies",
    requests: fc
      .tuple(
        fc.constantFrom(
          "POST /Users",
          "PUT /Users/{user}",
          "POST /Groups",
          "PUT /Groups/{group}",
          "POST /Users/.search",
        ),
        resourceBody,
      )
      .map(([route, body]) => {
        const [method, path] = route.split(" ") as [string, string];
        return { method, path, body: stringify(body) };
      }),
  },
  {
    name: "headers",
    requests: fc
      .record({
        contentType: fc.oneof(
          fc.constantFrom(
            "application/scim+json",
            "application/json; charset=utf-8",
            "text/plain",
            "",
            "application/scim+json;;",
          ),
          fc.string({ maxLength: 12 }),
        ),
        ifMatch: fc.option(fc.oneof(fc.constantFrom("*", 'W/"x"', '""', "W/"), fc.string({ maxLength: 12 }))),
        authorization: fc.option(
          fc.oneof(fc.constantFrom("Bearer", "Basic x", "Bearer  "), fc.string({ maxLength: 12 })),
        ),
        body: fc.oneof(
          fc.string({ maxLength: 30 }),
          patchBody.map((b) => JSON.stringify(b)),
        ),
        route: fc.constantFrom(
          "PATCH /Users/{user}",
          "PUT /Groups/{group}",
          "DELETE /Users/{user}x",
          "POST /Groups",
        ),
      })
      .map(({ contentType, ifMatch, authorization, body, route }) => {
        const [method, path] = route.split(" ") as [string, string];
        const headers: Record<string, string> = { "Content-Type": contentType };
        if (ifMatch !== null) headers["If-Match"] = ifMatch;
        if (authorization !== null) headers.Authorization = authorization;
        return { method, path, body, headers };
      }),
  },
];
