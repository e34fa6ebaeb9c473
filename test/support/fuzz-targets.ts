import fc from "fast-check";

/**
 * Fuzzing targets over HTTP: each turns a fast-check value into one request against a user and a
 * group that exist. Values mix well-formed SCIM (so deep code runs) with noise (so every parser
 * meets what it does not expect): structure is mostly right, leaves are often wrong, so requests
 * get past the first check and fail (or succeed) deeper. Shared by the seed-fixed test in
 * `npm test` and the bench.
 */

export interface FuzzRequest {
  method: string;
  /** Path under the Tenant URL; `{user}` and `{group}` are replaced by the fixtures' ids (in the body too). */
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
/** Values an attribute might well take, so that a well-formed operation can succeed. */
const plausible: fc.Arbitrary<unknown> = fc.constantFrom(
  "Ann",
  "True",
  true,
  false,
  "ann.fuzz@contoso.com",
  [{ value: "ann.fuzz@contoso.com", type: "work", primary: true }],
  { givenName: "Ann", familyName: "Fuzz" },
  [{ value: "{user}" }],
  [{ value: "{group}" }],
  [{ value: "{user}" }, { value: "no-such-member" }],
  { value: "{user}" },
  "{user}",
  [{ value: "Sales", primary: "True" }],
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

/** Mostly `good`, now and then anything: one field in ten is noise, so most requests get deep. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 9 }, { arbitrary: json, weight: 1 });

/** A value for `path`: usually one it can take, sometimes any JSON. */
const plausibleFor = (path: string): fc.Arbitrary<unknown> => {
  const good: Record<string, unknown[]> = {
    userName: ["ann.fuzz@contoso.com", "Bob"],
    displayName: ["Ann", "Sales"],
    active: [true, false, "True", "False"],
    emails: [[{ value: "ann.fuzz@contoso.com", type: "work", primary: true }]],
    "emails.value": ["ann@contoso.com"],
    'emails[type eq "work"].value': ["ann@contoso.com"],
    "name.givenName": ["Ann"],
    name: [{ givenName: "Ann", familyName: "Fuzz" }],
    externalId: ["ext-1"],
    members: [
      [{ value: "{user}" }],
      [{ value: "{group}" }],
      [{ value: "{user}" }, { value: "no-such-member" }],
    ],
    manager: ["{user}", { value: "{user}" }],
    [`${ENTERPRISE}:manager`]: ["{user}", { value: "{user}" }],
    [`${ENTERPRISE}:department`]: ["Sales"],
    title: ["Engineer"],
    password: ["S3cret!pass"],
    roles: [[{ value: "Sales", primary: "True" }]],
  };
  // Own keys only: `constructor` and `__proto__` are among the paths tried.
  const values = Object.hasOwn(good, path) ? good[path] : undefined;
  return values ? mostly(fc.constantFrom(...values)) : fc.oneof(plausible, json);
};

const patchOperation = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.constantFrom("add", "Add", "replace", "Replace", "remove", "Remove"), weight: 9 },
      { arbitrary: fc.oneof(fc.constant("move"), fc.string()), weight: 1 },
    ),
    fc.oneof(
      { arbitrary: names, weight: 9 },
      { arbitrary: fc.oneof(filterText, fc.string({ maxLength: 10 })), weight: 1 },
    ),
  )
  .chain(([op, path]) =>
    fc.record(
      { op: fc.constant(op), path: fc.constant(path), value: plausibleFor(path) },
      // A path-less operation now and then (add/replace with an object value, or an invalid remove).
      { requiredKeys: ["op"] },
    ),
  );

const patchBody = fc.oneof(
  {
    arbitrary: fc.record({
      schemas: mostly(fc.constant([PATCH_OP])),
      Operations: mostly(fc.array(patchOperation, { minLength: 1, maxLength: 3 })),
    }),
    weight: 9,
  },
  { arbitrary: json, weight: 1 },
);

const text = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 12 }), weight: 9 },
  { arbitrary: scalars, weight: 1 },
);

/** Bodies for each kind of request: the right shape, with noise in some fields. */
const userBody = fc.record(
  {
    schemas: mostly(
      fc.constantFrom(
        ["urn:ietf:params:scim:schemas:core:2.0:User"],
        ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
      ),
    ),
    userName: text,
    displayName: plausibleFor("displayName"),
    emails: plausibleFor("emails"),
    name: plausibleFor("name"),
    active: plausibleFor("active"),
    externalId: plausibleFor("externalId"),
    [ENTERPRISE]: mostly(
      fc.record(
        { department: plausibleFor(`${ENTERPRISE}:department`), manager: plausibleFor("manager") },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ["userName"] },
);
const groupBody = fc.record(
  {
    schemas: mostly(fc.constant(["urn:ietf:params:scim:schemas:core:2.0:Group"])),
    displayName: text,
    externalId: plausibleFor("externalId"),
    members: plausibleFor("members"),
  },
  { requiredKeys: ["displayName"] },
);
const searchBody = fc.record(
  {
    schemas: mostly(fc.constant(["urn:ietf:params:scim:api:messages:2.0:SearchRequest"])),
    filter: fc.oneof({ arbitrary: filterText, weight: 9 }, { arbitrary: scalars, weight: 1 }),
    attributes: mostly(fc.array(names, { maxLength: 3 })),
    startIndex: mostly(fc.integer({ min: -2, max: 5 })),
    count: mostly(fc.integer({ min: -2, max: 300 })),
    sortBy: mostly(names),
  },
  { requiredKeys: [] },
);
/** A /Bulk operation that can succeed: method, path and data that belong together (RFC 7644 §3.7). */
const coherentBulkOperation = fc.oneof(
  fc.record({
    method: fc.constant("POST"),
    path: fc.constant("/Users"),
    bulkId: fc.constantFrom("a", "c"),
    data: userBody,
  }),
  fc.record({
    method: fc.constant("POST"),
    path: fc.constant("/Groups"),
    bulkId: fc.constantFrom("b", "c"),
    // A group of the user created as "a" in the same request, when there is one.
    data: groupBody.map((g) => ({ ...g, members: [{ value: "bulkId:a" }] })),
  }),
  fc.record({
    method: fc.constant("PATCH"),
    path: fc.constantFrom("/Users/{user}", "/Groups/{group}", "/Users/bulkId:a", "/Groups/bulkId:b"),
    data: patchBody,
  }),
  fc.record({ method: fc.constant("PUT"), path: fc.constant("/Users/{user}"), data: userBody }),
  fc.record({ method: fc.constant("PUT"), path: fc.constant("/Groups/{group}"), data: groupBody }),
  fc.record({
    method: fc.constant("DELETE"),
    path: fc.constantFrom("/Users/bulkId:a", "/Groups/bulkId:b", "/Users/{user}x"),
  }),
);
/** Any /Bulk operation: every method and path form, bulkId references, and the bodies above as `data`. */
const noisyBulkOperation = fc
  .record(
    {
      method: mostly(fc.constantFrom("POST", "PUT", "PATCH", "DELETE", "post")),
      path: mostly(
        fc.constantFrom(
          "/Users",
          "/Groups",
          "/Users/{user}",
          "/Groups/{group}",
          "/Users/{user}x",
          "/Users/bulkId:a",
          "/Groups/bulkId:b",
          "/Users/%E0%A4",
          "/Groups/100%",
          "/Users/{user}/x",
          "Users",
          "",
        ),
      ),
      bulkId: mostly(fc.constantFrom("a", "b", "c")),
      version: fc.constantFrom('W/"x"', "*", ""),
      data: fc.oneof(userBody, groupBody, patchBody, json),
    },
    { requiredKeys: ["method", "path"] },
  )
  // The fixtures must outlive every case: no operation deletes them.
  .filter(
    (op) => !(op.method === "DELETE" && typeof op.path === "string" && /\{(user|group)\}$/.test(op.path)),
  );
/** Operations whose bulkIds are mostly distinct (a repeated one refuses the whole request). */
const bulkOperations = fc
  .array(
    fc.oneof({ arbitrary: coherentBulkOperation, weight: 7 }, { arbitrary: noisyBulkOperation, weight: 3 }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((ops) =>
    fc.boolean().map((keepRepeats) => {
      if (keepRepeats) return ops;
      const seen = new Set<unknown>();
      return ops.map((op, i) => {
        const { bulkId } = op as { bulkId?: unknown };
        if (typeof bulkId !== "string" || !seen.has(bulkId)) {
          seen.add(bulkId);
          return op;
        }
        return { ...op, bulkId: `${bulkId}${i}` };
      });
    }),
  );
const bulkBody = fc.record(
  {
    schemas: mostly(fc.constant(["urn:ietf:params:scim:api:messages:2.0:BulkRequest"])),
    failOnErrors: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 8 },
      { arbitrary: fc.integer({ min: -1, max: 0 }), weight: 1 },
      { arbitrary: json, weight: 1 },
    ),
    Operations: mostly(bulkOperations),
  },
  { requiredKeys: ["schemas", "Operations"] },
);

/** Mostly the right shape, with no field or any JSON now and then. */
const bodyOf = (shape: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: shape, weight: 9 }, { arbitrary: json, weight: 1 });

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
      .constantFrom(
        "POST /Users",
        "PUT /Users/{user}",
        "POST /Groups",
        "PUT /Groups/{group}",
        "POST /Users/.search",
      )
      .chain((route) =>
        fc.tuple(
          fc.constant(route),
          bodyOf(route.endsWith(".search") ? searchBody : route.includes("/Users") ? userBody : groupBody),
        ),
      )
      .map(([route, body]) => {
        const [method, path] = route.split(" ") as [string, string];
        return { method, path, body: stringify(body) };
      }),
  },
  {
    name: "Bulk bodies",
    requests: bodyOf(bulkBody).map((body) => ({ method: "POST", path: "/Bulk", body: stringify(body) })),
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
          fc.oneof(
            { arbitrary: fc.constant("Bearer {token}"), weight: 3 },
            { arbitrary: fc.constantFrom("Bearer", "Basic x", "Bearer  ", "bearer {token}"), weight: 1 },
            { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
          ),
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

const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
const BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

const notScimError = (status: number, body: { schemas?: unknown; status?: unknown; detail?: unknown }) =>
  JSON.stringify(body.schemas) !== JSON.stringify([ERROR_SCHEMA]) ||
  body.status !== String(status) ||
  typeof body.detail !== "string";

/**
 * What the fuzzing rules have against one answer, if anything (`serverError` when it, or one of its
 * /Bulk operations, answered 5xx), and whether it refused the request.
 */
export function judgeAnswer(reply: { status: number; text: string; contentType: string }): {
  problem?: string;
  serverError?: boolean;
  rejected: boolean;
} {
  if (reply.status >= 500) return { problem: `answered ${reply.status}`, serverError: true, rejected: true };
  const json = /^application\/scim\+json/.test(reply.contentType) ? JSON.parse(reply.text) : undefined;
  if (reply.status >= 400) {
    return json && !notScimError(reply.status, json)
      ? { rejected: true }
      : { problem: `${reply.status} is not a SCIM Error`, rejected: true };
  }
  // A BulkResponse answers 200 whatever its operations did: each operation's answer is judged too.
  if (!Array.isArray(json?.schemas) || !json.schemas.includes(BULK_RESPONSE)) return { rejected: false };
  const ops = json.Operations as { status?: unknown; response?: { schemas?: unknown } }[];
  for (const [i, op] of ops.entries()) {
    const status = Number(op.status);
    if (!(status >= 200 && status < 500))
      return {
        problem: `Operations[${i}] answered ${op.status}`,
        serverError: status >= 500,
        rejected: true,
      };
    if (status >= 400 && (!op.response || notScimError(status, op.response)))
      return { problem: `Operations[${i}]: ${status} is not a SCIM Error`, rejected: true };
  }
  return { rejected: ops.every((op) => Number(op.status) >= 400) };
}

/** Sends one fuzz request to the endpoint at `baseUrl`, with the fixtures' ids in its path. */
export async function sendFuzzRequest(
  baseUrl: string,
  token: string,
  fixtures: { user: string; group: string },
  request: FuzzRequest,
): Promise<{ status: number; text: string; contentType: string }> {
  const fill = (text: string) =>
    text
      .replaceAll("{user}", fixtures.user)
      .replaceAll("{group}", fixtures.group)
      .replaceAll("{token}", token);
  const headers: Record<string, string> = {
    Authorization: `Bearer ${token}`,
    "Content-Type": "application/scim+json",
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = fill(value);
  const response = await fetch(`${baseUrl}${fill(request.path)}`, {
    method: request.method,
    headers,
    ...(request.body !== undefined ? { body: fill(request.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, contentType: response.headers.get("content-type") ?? "" };
}
