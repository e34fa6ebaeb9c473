import type { Container, JSONValue, OperationInput, SqlParameter } from "@azure/cosmos";
import { type CallContext, cosmosAttempt, cosmosCall, cosmosValue } from "./cosmos-call.js";
import {
  isStorableId,
  type MembershipDocument,
  type MemberType,
  membershipId,
  type SeenUser,
} from "./documents.js";
import { chunk, idChunks, mapLimited } from "./map-limited.js";

/** A member to add: an id already checked to exist in the tenant, with the kind of resource it is. */
export interface MemberRecord {
  id: string;
  type: MemberType;
  /** A user's version and `groups` as the check read them (before any membership write). */
  seen?: SeenUser;
}

/** What membership queries return: a projection, never the whole document. */
export type MembershipLink = Pick<MembershipDocument, "groupId" | "memberId" | "memberType">;

export interface MembershipPage {
  items: MembershipLink[];
  continuation: string | undefined;
}

/**
 * The repository port for the group memberships of one tenant: single-partition operations only.
 * Writes are idempotent point operations, so adding or removing one member costs the same whatever
 * the group size, and a retried request converges instead of failing on its own earlier work.
 */
export interface MembershipStore {
  /**
   * Makes each record a member of the group; existing memberships are kept as they are. Returns
   * how many memberships are new.
   */
  add(groupId: string, members: readonly MemberRecord[]): Promise<number>;
  /** Ends these memberships; ids that are not members are ignored. Returns how many ended. */
  remove(groupId: string, memberIds: readonly string[]): Promise<number>;
  /** Whether the membership exists (a point read of its deterministic id). */
  exists(groupId: string, memberId: string): Promise<boolean>;
  /** One page of a group's members, in no particular order (`continuation` from the previous page). */
  membersPage(groupId: string, continuation?: string): Promise<MembershipPage>;
  /** Memberships of the given members (the groups they belong to), at most `limit` + 1. */
  byMembers(memberIds: readonly string[], limit: number): Promise<MembershipLink[]>;
  /** Memberships in the given groups (their members), at most `limit` + 1. */
  byGroups(groupIds: readonly string[], limit: number): Promise<MembershipLink[]>;
  /**
   * Deletes every membership naming `id` as group or as member, following the query's continuation
   * to the end (Cosmos may return an empty page that still has one); returns the ones deleted.
   * `visit` sees each page before its memberships are deleted: what must follow from them is done
   * while a repeated sweep can still find them.
   */
  removeReferences(id: string, visit?: (page: MembershipLink[]) => Promise<void>): Promise<MembershipLink[]>;
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

export class CosmosMembershipStore implements MembershipStore {
  constructor(
    private readonly container: Container,
    private readonly tenantId: string,
    private readonly ctx: CallContext,
  ) {}

  async add(groupId: string, members: readonly MemberRecord[]): Promise<number> {
    const { tenantId } = this;
    const created = new Date().toISOString();
    const docs: MembershipDocument[] = members.map((m) => ({
      id: membershipId(groupId, m.id),
      tenantId,
      groupId,
      memberId: m.id,
      memberType: m.type,
      created,
    }));
    return this.write(
      docs,
      (doc) => ({ operationType: "Create", partitionKey: tenantId, resourceBody: { ...doc } }),
      (doc) => this.createOne(doc),
      [201, 409],
    );
  }

  async remove(groupId: string, memberIds: readonly string[]): Promise<number> {
    // An id Cosmos could not store was never a member: nothing to delete.
    const ids = memberIds.filter(isStorableId).map((memberId) => membershipId(groupId, memberId));
    return this.deleteIds(ids);
  }

  async exists(groupId: string, memberId: string): Promise<boolean> {
    if (!isStorableId(memberId)) return false;
    const id = membershipId(groupId, memberId);
    const result = await cosmosCall(this.ctx, () => this.container.item(id, this.tenantId).read(), [404]);
    return result.ok && result.value.resource !== undefined;
  }

  async membersPage(groupId: string, continuation?: string): Promise<MembershipPage> {
    const query = "SELECT c.memberId, c.memberType FROM c WHERE c.tenantId = @tenant AND c.groupId = @group";
    const page = await this.page<MembershipLink>(query, [{ name: "@group", value: groupId }], continuation);
    const items = page.items.map((r) => ({ groupId, memberId: r.memberId, memberType: r.memberType }));
    return { items, continuation: page.continuation };
  }

  byMembers(memberIds: readonly string[], limit: number): Promise<MembershipLink[]> {
    return this.linksWhere("memberId", memberIds, limit);
  }

  byGroups(groupIds: readonly string[], limit: number): Promise<MembershipLink[]> {
    return this.linksWhere("groupId", groupIds, limit);
  }

  async removeReferences(
    id: string,
    visit?: (page: MembershipLink[]) => Promise<void>,
  ): Promise<MembershipLink[]> {
    const query =
      "SELECT c.id, c.groupId, c.memberId, c.memberType FROM c WHERE c.tenantId = @tenant AND (c.groupId = @id OR c.memberId = @id)";
    const deleted: MembershipLink[] = [];
    let continuation: string | undefined;
    do {
      const page = await this.page<MembershipLink & { id: string }>(
        query,
        [{ name: "@id", value: id }],
        continuation,
      );
      const links = page.items.map(({ groupId, memberId, memberType }) => ({
        groupId,
        memberId,
        memberType,
      }));
      if (visit) await visit(links);
      await this.deleteIds(page.items.map((r) => r.id));
      deleted.push(...links);
      continuation = page.continuation;
    } while (continuation);
    return deleted;
  }

  private async linksWhere(
    field: "memberId" | "groupId",
    ids: readonly string[],
    limit: number,
  ): Promise<MembershipLink[]> {
    const out: MembershipLink[] = [];
    const query = `SELECT c.groupId, c.memberId, c.memberType FROM c WHERE c.tenantId = @tenant AND ARRAY_CONTAINS(@ids, c.${field})`;
    for (const part of idChunks([...new Set(ids)].filter(isStorableId))) {
      let continuation: string | undefined;
      do {
        const page = await this.page<MembershipLink>(query, [{ name: "@ids", value: part }], continuation);
        out.push(...page.items);
        continuation = page.continuation;
      } while (continuation && out.length <= limit);
      if (out.length > limit) break;
    }
    return out;
  }

  /** One page of a single-partition query over this tenant's memberships. */
  private async page<T>(query: string, parameters: SqlParameter[], continuation: string | undefined) {
    const page = await cosmosValue(this.ctx, () =>
      this.container.items
        .query<T>(
          { query, parameters: [{ name: "@tenant", value: this.tenantId as JSONValue }, ...parameters] },
          { partitionKey: this.tenantId, maxItemCount: PAGE_SIZE, continuationToken: continuation },
        )
        .fetchNext(),
    );
    return { items: page.resources, continuation: page.continuationToken || undefined };
  }

  private deleteIds(ids: readonly string[]): Promise<number> {
    return this.write(
      ids,
      (id) => ({ operationType: "Delete", partitionKey: this.tenantId, id }),
      (id) => this.deleteOne(id),
      [204, 404],
    );
  }

  /**
   * Few writes go as point operations; many go as transactional batches of 100. A batch is only a
   * way to save round trips, never relied on for atomicity (the embedded emulator's batch is not
   * atomic, and Azure's rolls back a whole batch when one create finds an existing member). An
   * operation is finished once its status is in `done` (e.g. 201 created, 409 already a member);
   * the rest of a rolled-back batch (424) go again as a smaller batch, and anything else is
   * redone as idempotent point operations, which retry transient failures and report them precisely.
   */
  private async write<T>(
    items: readonly T[],
    operation: (item: T) => OperationInput,
    point: (item: T) => Promise<boolean>,
    done: readonly number[],
  ): Promise<number> {
    let changed = 0;
    const leftovers =
      items.length <= POINT_WRITE_MAX
        ? [items]
        : await mapLimited(chunk(items, BATCH_SIZE), BATCHES_IN_FLIGHT, async (part) => {
            const round = await this.batchRounds(part, operation, done);
            changed += round.changed;
            return round.pending;
          });
    const points = await mapLimited(leftovers.flat(), POINTS_IN_FLIGHT, point);
    return changed + points.filter(Boolean).length;
  }

  /**
   * Batches `part`, and once more for the operations a rollback undid; returns what is left and how
   * many operations changed something (status `done[0]`). Two rounds at most: a batch full of
   * existing members would otherwise finish one operation a round.
   */
  private async batchRounds<T>(
    part: readonly T[],
    operation: (item: T) => OperationInput,
    done: readonly number[],
  ): Promise<{ pending: readonly T[]; changed: number }> {
    let pending = part;
    let changed = 0;
    for (let round = 0; round < BATCH_ROUNDS && pending.length > POINT_WRITE_MAX; round++) {
      let statuses: number[];
      try {
        const response = await cosmosAttempt(this.ctx, () =>
          this.container.items.batch(pending.map(operation), this.tenantId),
        );
        statuses = pending.map((_, i) => response.result?.[i]?.statusCode ?? 0);
      } catch {
        // The batch request itself failed (throttled, timed out...): its operations go one by one.
        return { pending, changed };
      }
      changed += statuses.filter((status) => status === done[0]).length;
      const next = pending.filter((_, i) => !done.includes(statuses[i] ?? 0));
      const onlyRolledBack = statuses.every((status) => done.includes(status) || status === 424);
      if (next.length === pending.length || !onlyRolledBack) return { pending: next, changed };
      pending = next;
    }
    return { pending, changed };
  }

  /** Whether this call created the membership (409: the deterministic id exists, already a member). */
  private async createOne(doc: MembershipDocument): Promise<boolean> {
    const result = await cosmosCall(this.ctx, () => this.container.items.create(doc), [409]);
    return result.ok;
  }

  /** Whether this call ended the membership (404: already gone, which is what a delete wants). */
  private async deleteOne(id: string): Promise<boolean> {
    const result = await cosmosCall(this.ctx, () => this.container.item(id, this.tenantId).delete(), [404]);
    return result.ok;
  }
}
