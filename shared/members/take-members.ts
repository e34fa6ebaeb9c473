import type { ResourceKind } from "../operations/resource-kind.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { Services } from "../services.js";
import type { MemberRecord } from "../store/membership-store.js";
import { memberRefs } from "./member-refs.js";
import { resolveMembers } from "./resolve-members.js";

export interface TakenMembers {
  /** The resource to store: a Group without `members`, which live in their own documents. */
  resource: ScimObject;
  /** A Group's complete member list, every member checked to exist; undefined for Users. */
  members: MemberRecord[] | undefined;
}

/**
 * Takes `members` out of a parsed POST/PUT Group body (RFC 7644 §3.3, §3.5.1) and checks them before
 * anything is written (400 invalidValue naming missing ids). An absent `members` is the empty list:
 * a PUT replaces every attribute. Users pass through unchanged.
 */
export async function takeMembers(
  services: Pick<Services, "memberLookup">,
  tenantId: string,
  kind: ResourceKind,
  id: string,
  resource: ScimObject,
): Promise<TakenMembers> {
  if (kind !== "Group") return { resource, members: undefined };
  const { members, ...rest } = resource;
  return {
    resource: rest,
    members: await resolveMembers(services.memberLookup, tenantId, id, memberRefs(members)),
  };
}
