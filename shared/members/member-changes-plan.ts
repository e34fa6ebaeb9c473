import type { MemberChanges } from "../patch/member-changes.js";
import type { Services } from "../services.js";
import type { MemberRecord } from "../store/membership-store.js";
import { confirmMembers } from "./confirm-members.js";
import { replaceMembers } from "./replace-members.js";
import { resolveMembers } from "./resolve-members.js";

/** A PATCH's member changes with every added member checked to exist: ready to write. */
export interface MemberChangesPlan {
  /** Set when the request replaced or cleared `members`: the complete new member list. */
  replace: MemberRecord[] | undefined;
  remove: string[];
  add: MemberRecord[];
}

/** Whether a plan writes nothing (a PATCH that does not touch `members`). */
export const isEmptyPlan = (plan: MemberChangesPlan): boolean =>
  plan.replace === undefined && plan.remove.length === 0 && plan.add.length === 0;

/**
 * Validates the member changes of a Group PATCH (RFC 7644 §3.5.2) before anything is written: every
 * added member must be an existing User or Group of the tenant, and not the group itself; otherwise
 * 400 invalidValue and the request changes nothing.
 */
export async function planMemberChanges(
  services: Pick<Services, "memberLookup">,
  tenantId: string,
  groupId: string,
  changes: MemberChanges,
): Promise<MemberChangesPlan> {
  const add = await resolveMembers(services.memberLookup, tenantId, groupId, changes.add);
  return changes.removeAll
    ? { replace: add, remove: [], add: [] }
    : { replace: undefined, remove: [...changes.remove], add };
}

/**
 * Writes a plan with point operations (RFC 7644 §3.5.2.1-3 semantics for `members`): removing a
 * non-member and re-adding a member are no-ops, so the cost of adding or removing one member does
 * not depend on the group's size, and a retried request converges.
 */
export async function applyMemberChanges(
  services: Pick<Services, "groups" | "memberships" | "memberLookup">,
  tenantId: string,
  groupId: string,
  plan: MemberChangesPlan,
): Promise<void> {
  if (plan.replace) {
    await replaceMembers(services, tenantId, groupId, plan.replace);
    return;
  }
  await services.memberships.remove(tenantId, groupId, plan.remove);
  await services.memberships.add(tenantId, groupId, plan.add);
  await confirmMembers(services, tenantId, groupId, plan.add);
}
