import type { MembershipStore } from "../store/membership-store.js";

/**
 * Deletes a User or Group together with every membership naming it (as member, or as group), in the
 * order that never shows a dangling reference and lets a retry finish the job (RFC 7644 §3.6):
 * 1. sweep its memberships while the resource still exists (a failure here leaves the resource
 *    in place with fewer memberships, and the client's retried DELETE carries on);
 * 2. delete the resource;
 * 3. sweep again, removing any membership a concurrent add wrote between 1 and 2 (such an add
 *    also re-checks its members after writing: see `confirmMembers`).
 */
export async function deleteWithMemberships<R extends { ok: boolean }>(
  memberships: MembershipStore,
  tenantId: string,
  id: string,
  deleteResource: () => Promise<R>,
): Promise<R> {
  await memberships.removeReferences(tenantId, id);
  const result = await deleteResource();
  if (result.ok) await memberships.removeReferences(tenantId, id);
  return result;
}
