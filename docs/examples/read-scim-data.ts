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

/** One of a user's groups: the group's id and its displayName (RFC 7643 §4.1.2 `value`, `display`). */
export interface UserGroup {
  value: string;
  display: string;
}

/**
 * The groups a user is a direct member of, with their names, or undefined if there is no such user.
 * Usually one point read: the user document carries a copy. A user whose groups outgrew the copy
 * (64 KiB) is marked `groupsOverflow`, and its groups are its memberships, named from the groups'
 * documents (a membership whose group is gone is skipped: its sweep is behind).
 */
export async function userGroups(
  containers: { users: Container; groups: Container; memberships: Container },
  tenantId: string,
  userId: string,
): Promise<UserGroup[] | undefined> {
  const { resource: user } = await containers.users
    .item(userId, tenantId)
    .read<{ groups?: UserGroup[]; groupsOverflow?: boolean }>();
  if (!user) return undefined;
  if (!user.groupsOverflow) return user.groups ?? [];
  const tenant = { name: "@tenant", value: tenantId };
  const { resources: links } = await containers.memberships.items
    .query<{ groupId: string }>(
      {
        query: "SELECT c.groupId FROM c WHERE c.tenantId = @tenant AND c.memberId = @user",
        parameters: [tenant, { name: "@user", value: userId }],
      },
      { partitionKey: tenantId },
    )
    .fetchAll();
  const out: UserGroup[] = [];
  // ARRAY_CONTAINS with up to 1,000 ids per query keeps each query's text small.
  for (let i = 0; i < links.length; i += 1000) {
    const ids = links.slice(i, i + 1000).map((link) => link.groupId);
    const { resources } = await containers.groups.items
      .query<{ id: string; displayName: string }>(
        {
          query:
            "SELECT c.id, c.resource.displayName FROM c WHERE c.tenantId = @tenant AND ARRAY_CONTAINS(@ids, c.id)",
          parameters: [tenant, { name: "@ids", value: ids }],
        },
        { partitionKey: tenantId },
      )
      .fetchAll();
    for (const group of resources) out.push({ value: group.id, display: group.displayName });
  }
  return out;
}
