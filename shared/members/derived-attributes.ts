import type { ScimRequest } from "../http/scim-request.js";
import type { ResourceKind } from "../operations/resource-kind.js";
import { isReturned, parseProjection } from "../schema/projection.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { Services } from "../services.js";
import { readMembers } from "./read-members.js";
import { readUserGroups } from "./read-user-groups.js";

/**
 * The attributes derived from memberships at read time: a Group's `members`, a User's `groups`
 * (RFC 7643 §4.1.2, §4.2), for `renderResource`'s `extra`. Read only when the projection
 * (RFC 7644 §3.9) returns them: `excludedAttributes=members`, Entra's group read, never touches the
 * membership documents. A group without members shows `members: []`; a user in no group has no `groups`.
 */
export async function derivedAttributes(
  request: ScimRequest,
  services: Pick<Services, "resourceTypes" | "memberships" | "memberLookup">,
  tenantId: string,
  kind: ResourceKind,
  id: string,
): Promise<ScimObject> {
  const type = services.resourceTypes[kind];
  const projection = parseProjection(
    type,
    request.url.searchParams.get("attributes") ?? undefined,
    request.url.searchParams.get("excludedAttributes") ?? undefined,
  );
  if (kind === "Group") {
    if (!isReturned(type, projection, "members")) return {};
    return { members: await readMembers(services.memberships, tenantId, id, request.baseUrl) };
  }
  if (!isReturned(type, projection, "groups")) return {};
  const groups = await readUserGroups(services, tenantId, id, request.baseUrl);
  return groups.length > 0 ? { groups } : {};
}
