import { randomUUID } from "node:crypto";
import { createResource } from "../../shared/operations/create-resource.js";
import { deleteResource } from "../../shared/operations/delete-resource.js";
import { getResource } from "../../shared/operations/get-resource.js";
import { listResources } from "../../shared/operations/list-resources.js";
import type { Operation, ScimRequest, Scope } from "../../shared/operations/operation.js";
import { patchResource } from "../../shared/operations/patch-resource.js";
import type { Services } from "../../shared/services.js";

/**
 * How many Cosmos DB calls each SCIM operation makes, counted at the SDK boundary (every call the
 * stores make goes through `cosmosCall`, which meters it), and the request units Cosmos DB charged
 * (the embedded server reports none). Shared by a test that holds the targets and by the bench that
 * prints the table.
 */

export interface CallCount {
  operation: string;
  calls: number;
  requestCharge: number;
  /** The most calls the operation may make (the targets the README's cost model states), when it has one. */
  target?: number;
}

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const BASE = "http://localhost/scim/v2";

export function request(
  method: string,
  path: string,
  body?: unknown,
  params: Record<string, string> = {},
): ScimRequest {
  return {
    method,
    url: new URL(`${BASE}${path}`),
    header: () => undefined,
    params,
    body,
    baseUrl: BASE,
  };
}

/** Seeds a tenant of its own, then runs each operation once in a fresh scope and reads its meter. */
export async function countCosmosCalls(services: Services): Promise<CallCount[]> {
  const tenant = `calls-${randomUUID().slice(0, 8)}`;
  const scope = () => services.scope(tenant);
  const run = async (
    op: Operation,
    req: ScimRequest,
  ): Promise<{ scope: Scope; body: Record<string, unknown> }> => {
    const s = scope();
    const response = await op(req, s);
    if (response.status >= 400) throw new Error(`${req.method} ${req.url.pathname}: ${response.status}`);
    return { scope: s, body: (response.body ?? {}) as Record<string, unknown> };
  };
  const rows: CallCount[] = [];
  const count = async (operation: string, op: Operation, req: ScimRequest, target?: number) => {
    const { scope: s, body } = await run(op, req);
    rows.push({
      operation,
      calls: s.ctx.meter.calls,
      requestCharge: s.ctx.meter.requestCharge,
      ...(target ? { target } : {}),
    });
    return body;
  };
  const newUser = (userName: string, extra: Record<string, unknown> = {}) =>
    run(createResource("User"), request("POST", "/Users", { userName, active: true, ...extra })).then(
      (r) => r.body.id as string,
    );
  /** Entra's member PATCH: one `Add` or `Remove` of `ids` on the group's `members`. */
  const memberPatch = (groupId: string, op: "Add" | "Remove", ids: string[]) =>
    request(
      "PATCH",
      `/Groups/${groupId}`,
      { schemas: [PATCH], Operations: [{ op, path: "members", value: ids.map((value) => ({ value })) }] },
      { id: groupId },
    );
  const addMembers = (groupId: string, ids: string[]) =>
    run(patchResource("Group"), memberPatch(groupId, "Add", ids));

  const manager = await newUser("manager@calls.example");
  const user = (
    await count(
      "POST /Users (Entra's create)",
      createResource("User"),
      request("POST", "/Users", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        externalId: "ext-1",
        userName: "ann@calls.example",
        active: true,
        displayName: "Ann",
        emails: [{ primary: true, type: "work", value: "ann@calls.example" }],
        [ENTERPRISE]: { department: "Sales", manager: { value: manager } },
      }),
      1,
    )
  ).id as string;
  const group = (
    await count(
      "POST /Groups (Entra's create, no members)",
      createResource("Group"),
      request("POST", "/Groups", { displayName: "Sales", externalId: "g-ext" }),
      1,
    )
  ).id as string;
  await addMembers(group, [user]);
  const lookups: [string, string][] = [
    ["userName eq (found)", 'userName eq "Ann@Calls.example"'],
    ["userName eq (Test Connection, not found)", `userName eq "${randomUUID()}"`],
    ["externalId eq", 'externalId eq "ext-1"'],
    ['emails[type eq "work"].value eq', 'emails[type eq "work"].value eq "ann@calls.example"'],
    ["id eq ... and manager eq ...", `id eq "${user}" and manager eq "${manager}"`],
  ];
  for (const [label, filter] of lookups) {
    await count(
      `Entra lookup: ${label}`,
      listResources("User"),
      request("GET", `/Users?filter=${encodeURIComponent(filter)}`),
      1,
    );
  }
  await count(
    "Entra group lookup: displayName eq, excludedAttributes=members",
    listResources("Group"),
    request(
      "GET",
      `/Groups?filter=${encodeURIComponent('displayName eq "sales"')}&excludedAttributes=members`,
    ),
    1,
  );
  await count(
    "GET /Users/{id} (a user in a group: groups returned)",
    getResource("User"),
    request("GET", `/Users/${user}`, undefined, { id: user }),
    1,
  );
  await count(
    "GET /Groups/{id}?excludedAttributes=members",
    getResource("Group"),
    request("GET", `/Groups/${group}?excludedAttributes=members`, undefined, { id: group }),
    1,
  );
  const patchUser = (operations: unknown[]) =>
    request("PATCH", `/Users/${user}`, { schemas: [PATCH], Operations: operations }, { id: user });
  await count(
    "PATCH /Users/{id} that changes something",
    patchResource("User"),
    patchUser([{ op: "Replace", path: "displayName", value: "Ann B" }]),
    2,
  );
  await count(
    "PATCH /Users/{id} that changes nothing (Entra's periodic active: True)",
    patchResource("User"),
    patchUser([{ op: "Replace", path: "active", value: "True" }]),
    1,
  );
  // Member adds and removes in a group of 10 members and in one of 1,000: the same count.
  const sizes = [10, 1000];
  for (const size of sizes) {
    const big = (
      await run(createResource("Group"), request("POST", "/Groups", { displayName: `Size ${size}` }))
    ).body.id as string;
    const members: string[] = [];
    for (let i = 0; i < size; i += 100) {
      const ids = await Promise.all(
        Array.from({ length: Math.min(100, size - i) }, (_, k) => newUser(`m${size}-${i + k}@calls.example`)),
      );
      await addMembers(big, ids);
      members.push(...ids);
    }
    const newcomer = await newUser(`new${size}@calls.example`);
    await count(
      `PATCH /Groups/{id}: add one member (group of ${size.toLocaleString("en-US")})`,
      patchResource("Group"),
      memberPatch(big, "Add", [newcomer]),
      4,
    );
    await count(
      `PATCH /Groups/{id}: remove one member (group of ${size.toLocaleString("en-US")})`,
      patchResource("Group"),
      memberPatch(big, "Remove", [newcomer]),
      4,
    );
  }
  // Entra retries an add whose answer it lost: the membership exists, nothing is written but the
  // user's copy (kept in step on every add), and the group is read once, for the check and the ETag.
  await count(
    "PATCH /Groups/{id}: add a member it already has (a retried add)",
    patchResource("Group"),
    memberPatch(group, "Add", [user]),
    4,
  );
  const crowd = (
    await run(createResource("Group"), request("POST", "/Groups", { displayName: "Twenty members" }))
  ).body.id as string;
  await addMembers(
    crowd,
    await Promise.all(Array.from({ length: 20 }, (_, k) => newUser(`crowd${k}@calls.example`))),
  );
  await count(
    "DELETE /Groups/{id} (20 user members)",
    deleteResource("Group"),
    request("DELETE", `/Groups/${crowd}`, undefined, { id: crowd }),
    25,
  );
  await count(
    "DELETE /Users/{id} (a member of one group)",
    deleteResource("User"),
    request("DELETE", `/Users/${user}`, undefined, { id: user }),
    5,
  );
  await count(
    "DELETE /Groups/{id} (no members left)",
    deleteResource("Group"),
    request("DELETE", `/Groups/${group}`, undefined, { id: group }),
    3,
  );
  return rows;
}
