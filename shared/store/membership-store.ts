import type { Container, JSONValue, OperationInput, SqlParameter } from "@azure/cosmos";
import { cosmosStatus, mapThrottling } from "./cosmos-error.js";
import { chunk, mapLimited } from "./map-limited.js";
import {
  isStorableId,
  type MembershipDocument,
  type MemberType,
  membershipId,
} from "./membership-document.js";

/** A member to add: an id already checked to exist in the tenant, with the kind of resource it is. */
export interface MemberRecord {
  id: string;
  type: MemberType;
}

/** What membership queries return: a projection, never the whole document. */
export type MembershipLink = Pick<MembershipDocument, "groupId" | "memberId" | "memberType">;

export interface MembershipPage {
  items: MembershipLink[];
  continuation: string | undefined;
}

/**
 * The repository port for group memberships (DESIGN.md): single-partition (tenant) operations only.
 * Writes are idempotent point operations, so adding or removing one member costs the same whatever
 * the group size, and a retried request converges instead of failing on its own earlier work.
 */
export interface MembershipStore {
  /** Makes each record a member of the group; existing memberships are kept as they are. */
  add(tenantId: string, groupId: string, members: readonly MemberRecord[]): Promise<void>;
  /** Ends these memberships; ids that are not members are ignored. */
  remove(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<void>;
  /** One page of a group's members, in no particular order (`continuation` from the previous page). */
  membersPage(tenantId: string, groupId: string, continuation?: string): Promise<MembershipPage>;
  /** Memberships of the given members (the groups they belong to), at most `limit` + 1. */
  byMembers(tenantId: string, memberIds: readonly string[], limit: number): Promise<MembershipLink[]>;
  /** Memberships in the given groups (their members), at most `limit` + 1. */
  byGroups(tenantId: string, groupIds: readonly string[], limit: number): Promise<MembershipLink[]>;
  /** Deletes every membership naming `id` as group or as member; returns how many were deleted. */
  removeReferences(tenantId: string, id: string): Promise<number>;
}

/** Cosmos transactional batches hold at most 100 operations. */
const BATCH_SIZE = 100;
/** Batches in flight at once for one request. */
const BATCHES_IN_FLIGHT = 4;
/** Point operations in flight at once for one request. */
const POINTS_IN_FLIGHT = 16;
/** A page of member links is ~100 bytes per item: far below Cosmos's 4 MB response limit. */
const PAGE_SIZE = 1000;
/** Up to this many writes go as point operations; more go in batches (one round trip per 100). */
const POINT_WRITE_MAX = 4;
/** Batch attempts per chunk: the second takes what the first one's rollback undid. */
const BATCH_ROUNDS = 2;
/** ARRAY_CONTAINS parameter arrays are chunked to keep each query text small. */
const IDS_PER_QUERY = 1000;

export class CosmosMembershipStore implements MembershipStore {
  constructor(private readonly container: Container) {}

  async add(tenantId: string, groupId: string, members: readonly MemberRecord[]): Promise<void> {
    const created = new Date().toISOString();
    const docs: MembershipDocument[] = members.map((m) => ({
      id: membershipId(groupId, m.id),
      tenantId,
      groupId,
      memberId: m.id,
      memberType: m.type,
      created,
    }));
    await this.write(
      tenantId,
      docs,
      (doc) => ({ operationType: "Create", partitionKey: tenantId, resourceBody: { ...doc } }),
      (doc) => this.createOne(doc),
      [201, 409],
    );
  }

  async remove(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<void> {
    // An id Cosmos could not store was never a member: nothing to delete.
    const ids = memberIds.filter(isStorableId).map((memberId) => membershipId(groupId, memberId));
    await this.deleteIds(tenantId, ids);
  }

  async membersPage(tenantId: string, groupId: string, continuation?: string): Promise<MembershipPage> {
    const query = "SELECT c.memberId, c.memberType FROM c WHERE c.tenantId = @tenant AND c.groupId = @group";
    try {
      const page = await this.container.items
        .query<MembershipLink>(
          { query, parameters: [...tenant(tenantId), { name: "@group", value: groupId }] },
          { partitionKey: tenantId, maxItemCount: PAGE_SIZE, continuationToken: continuation },
        )
        .fetchNext();
      const items = page.resources.map((r) => ({ groupId, memberId: r.memberId, memberType: r.memberType }));
      return { items, continuation: page.continuationToken || undefined };
    } catch (error) {
      throw mapThrottling(error);
    }
  }

  byMembers(tenantId: string, memberIds: readonly string[], limit: number): Promise<MembershipLink[]> {
    return this.linksWhere(tenantId, "memberId", memberIds, limit);
  }

  byGroups(tenantId: string, groupIds: readonly string[], limit: number): Promise<MembershipLink[]> {
    return this.linksWhere(tenantId, "groupId", groupIds, limit);
  }

  async removeReferences(tenantId: string, id: string): Promise<number> {
    const query = "SELECT c.id FROM c WHERE c.tenantId = @tenant AND (c.groupId = @id OR c.memberId = @id)";
    let deleted = 0;
    for (;;) {
      // Always the first page: what was deleted is gone, so no continuation over a changing set.
      const ids = await this.queryPage<{ id: string }>(tenantId, query, [{ name: "@id", value: id }]);
      if (ids.length === 0) return deleted;
      await this.deleteIds(
        tenantId,
        ids.map((r) => r.id),
      );
      deleted += ids.length;
    }
  }

  private async linksWhere(
    tenantId: string,
    field: "memberId" | "groupId",
    ids: readonly string[],
    limit: number,
  ): Promise<MembershipLink[]> {
    const out: MembershipLink[] = [];
    const query = `SELECT c.groupId, c.memberId, c.memberType FROM c WHERE c.tenantId = @tenant AND ARRAY_CONTAINS(@ids, c.${field})`;
    for (const part of chunk([...new Set(ids)].filter(isStorableId), IDS_PER_QUERY)) {
      const iterator = this.container.items.query<MembershipLink>(
        { query, parameters: [...tenant(tenantId), { name: "@ids", value: part }] },
        { partitionKey: tenantId, maxItemCount: PAGE_SIZE },
      );
      try {
        while (iterator.hasMoreResults() && out.length <= limit) {
          const page = await iterator.fetchNext();
          out.push(...page.resources);
        }
      } catch (error) {
        throw mapThrottling(error);
      }
      if (out.length > limit) break;
    }
    return out;
  }

  private async queryPage<T>(tenantId: string, query: string, parameters: SqlParameter[]): Promise<T[]> {
    try {
      const page = await this.container.items
        .query<T>(
          { query, parameters: [...tenant(tenantId), ...parameters] },
          { partitionKey: tenantId, maxItemCount: PAGE_SIZE },
        )
        .fetchNext();
      return page.resources;
    } catch (error) {
      throw mapThrottling(error);
    }
  }

  private deleteIds(tenantId: string, ids: readonly string[]): Promise<void> {
    return this.write(
      tenantId,
      ids,
      (id) => ({ operationType: "Delete", partitionKey: tenantId, id }),
      (id) => this.deleteOne(tenantId, id),
      [204, 404],
    );
  }

  /**
   * Few writes go as point operations; many go as transactional batches of 100. A batch is only a
   * way to save round trips, never relied on for atomicity (the embedded emulator's batch is not
   * atomic, and Azure's rolls back a whole batch when one create finds an existing member). An
   * operation is finished once its status is in `done` (e.g. 201 created, 409 already a member);
   * the rest of a rolled-back batch (424) go again as a smaller batch, and anything else is
   * redone as idempotent point operations, which report throttling precisely.
   */
  private async write<T>(
    tenantId: string,
    items: readonly T[],
    operation: (item: T) => OperationInput,
    point: (item: T) => Promise<void>,
    done: readonly number[],
  ): Promise<void> {
    const leftovers =
      items.length <= POINT_WRITE_MAX
        ? [items]
        : await mapLimited(chunk(items, BATCH_SIZE), BATCHES_IN_FLIGHT, (part) =>
            this.batchRounds(tenantId, part, operation, done),
          );
    await mapLimited(leftovers.flat(), POINTS_IN_FLIGHT, point);
  }

  /**
   * Batches `part`, and once more for the operations a rollback undid; returns what is left. Two
   * rounds at most: a batch full of existing members would otherwise finish one operation a round.
   */
  private async batchRounds<T>(
    tenantId: string,
    part: readonly T[],
    operation: (item: T) => OperationInput,
    done: readonly number[],
  ): Promise<readonly T[]> {
    let pending = part;
    for (let round = 0; round < BATCH_ROUNDS && pending.length > POINT_WRITE_MAX; round++) {
      let statuses: number[];
      try {
        const response = await this.container.items.batch(pending.map(operation), tenantId);
        statuses = pending.map((_, i) => response.result?.[i]?.statusCode ?? 0);
      } catch {
        // The batch request itself failed; its SDK error hides the status.
        return pending;
      }
      const next = pending.filter((_, i) => !done.includes(statuses[i] ?? 0));
      const onlyRolledBack = statuses.every((status) => done.includes(status) || status === 424);
      if (next.length === pending.length || !onlyRolledBack) return next;
      pending = next;
    }
    return pending;
  }

  private async createOne(doc: MembershipDocument): Promise<void> {
    try {
      await this.container.items.create(doc);
    } catch (error) {
      // 409: the deterministic id exists, so the member is already there.
      if (cosmosStatus(error) !== 409) throw mapThrottling(error);
    }
  }

  private async deleteOne(tenantId: string, id: string): Promise<void> {
    try {
      await this.container.item(id, tenantId).delete();
    } catch (error) {
      if (cosmosStatus(error) !== 404) throw mapThrottling(error);
    }
  }
}

const tenant = (tenantId: string): SqlParameter[] => [{ name: "@tenant", value: tenantId as JSONValue }];
