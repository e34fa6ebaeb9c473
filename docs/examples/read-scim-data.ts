// A typed reader for the data this SCIM endpoint stores, for an application to copy. It depends on
// `@azure/cosmos` only. The field names it reads are the stable storage contract (docs/storage.md);
// the test suite compiles this file and runs it against the embedded server, so it stays true.
import type { Container } from "@azure/cosmos";

/** A User or Group document: `resource` is the SCIM resource as the client sent it. */
export interface StoredScimDocument<R> {
  id: string;
  tenantId: string;
  resource: R & { meta: { created: string; lastModified: string } };
}

/** The parts of a User an application usually needs (RFC 7643 §4.1); the rest is there too. */
export interface ScimUser {
  userName: string;
  externalId?: string;
  active?: boolean;
  displayName?: string;
  name?: { givenName?: string; familyName?: string; formatted?: string };
  emails?: { value: string; type?: string; primary?: boolean }[];
  [attribute: string]: unknown;
}

export interface ScimGroup {
  displayName: string;
  externalId?: string;
  [attribute: string]: unknown;
}

/** One group membership: one document per (group, member). */
export interface Membership {
  groupId: string;
  memberId: string;
  memberType: "User" | "Group";
}

/**
 * The active users of one tenant, page by page. `normalized.active` is the indexed comparison copy;
 * the partition key keeps the query inside the tenant's partition.
 */
export async function* activeUsers(
  users: Container,
  tenantId: string,
): AsyncGenerator<StoredScimDocument<ScimUser>> {
  const iterator = users.items.query<StoredScimDocument<ScimUser>>(
    {
      query:
        "SELECT c.id, c.tenantId, c.resource FROM c WHERE c.tenantId = @tenant AND c.normalized.active = true",
      parameters: [{ name: "@tenant", value: tenantId }],
    },
    { partitionKey: tenantId },
  );
  for await (const page of iterator.getAsyncIterator()) yield* page.resources;
}

/** A user by userName, compared case-insensitively as SCIM requires (the copy is lower-cased). */
export async function userByUserName(
  users: Container,
  tenantId: string,
  userName: string,
): Promise<StoredScimDocument<ScimUser> | undefined> {
  const { resources } = await users.items
    .query<StoredScimDocument<ScimUser>>(
      {
        query:
          "SELECT c.id, c.tenantId, c.resource FROM c WHERE c.tenantId = @tenant AND c.normalized.userName = @userName",
        parameters: [
          { name: "@tenant", value: tenantId },
          { name: "@userName", value: userName.toLowerCase() },
        ],
      },
      { partitionKey: tenantId },
    )
    .fetchAll();
  return resources[0];
}

/** The members of one group (users and nested groups), page by page. */
export async function* groupMembers(
  memberships: Container,
  tenantId: string,
  groupId: string,
): AsyncGenerator<Membership> {
  const iterator = memberships.items.query<Membership>(
    {
      query:
        "SELECT c.groupId, c.memberId, c.memberType FROM c WHERE c.tenantId = @tenant AND c.groupId = @group",
      parameters: [
        { name: "@tenant", value: tenantId },
        { name: "@group", value: groupId },
      ],
    },
    { partitionKey: tenantId },
  );
  for await (const page of iterator.getAsyncIterator()) yield* page.resources;
}
