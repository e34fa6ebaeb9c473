import type { Container, SqlParameter } from "@azure/cosmos";
import { type CallContext, cosmosCall, cosmosValue } from "./cosmos-call.js";
import { type GroupRef, isStorableId, type MemberType, type SeenUser, seenUser } from "./documents.js";
import { idChunks, mapLimited } from "./map-limited.js";

/**
 * What a lookup saw of a member. For a user, its version and `groups` as read, so that a membership
 * write that follows can bring the user's `groups` in step without reading the user again.
 */
export interface FoundMember {
  type: MemberType;
  seen?: SeenUser;
}

/** Reads about the resources one tenant's memberships point at: which ids exist, what groups are called. */
export interface MemberLookup {
  /** The ids that name a User or Group of the tenant, with which one; absent ids are left out. */
  existing(ids: readonly string[]): Promise<Map<string, FoundMember>>;
  /** The displayName of each existing group among `groupIds`. */
  groupNames(groupIds: readonly string[]): Promise<Map<string, string>>;
}

interface Row {
  id: string;
  tenantId?: string;
  groups?: GroupRef[];
  groupsOverflow?: boolean;
  _etag?: string;
}

const seenOf = (row: Row): SeenUser => seenUser({ ...row, etag: row._etag ?? "" });

/**
 * Up to this many ids are checked with point reads (1 RU each, independent of container size: the
 * single-member add Entra sends most is pure point operations); more with one query per container.
 */
const POINT_READ_MAX = 10;
const POINTS_IN_FLIGHT = 16;
/** Rows per page of an ARRAY_CONTAINS query (one row per id at most). */
const IDS_PER_QUERY = 1000;

export class CosmosMemberLookup implements MemberLookup {
  constructor(
    private readonly users: Container,
    private readonly groups: Container,
    private readonly tenantId: string,
    private readonly ctx: CallContext,
  ) {}

  async existing(ids: readonly string[]): Promise<Map<string, FoundMember>> {
    const found = new Map<string, FoundMember>();
    let rest = [...new Set(ids)].filter(isStorableId);
    for (const [type, container] of [
      ["User", this.users],
      ["Group", this.groups],
    ] as const) {
      if (rest.length === 0) break;
      const hits = await this.find(container, rest);
      for (const [id, seen] of hits) found.set(id, type === "User" && seen ? { type, seen } : { type });
      rest = rest.filter((id) => !hits.has(id));
    }
    return found;
  }

  async groupNames(groupIds: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const query =
      "SELECT c.id, c.resource.displayName FROM c WHERE c.tenantId = @tenant AND ARRAY_CONTAINS(@ids, c.id)";
    for (const part of idChunks([...new Set(groupIds)].filter(isStorableId))) {
      const rows = await this.queryAll<{ id: string; displayName?: string }>(this.groups, query, part);
      for (const row of rows) names.set(row.id, row.displayName ?? "");
    }
    return names;
  }

  /** The ids found, each with its version and `groups` as read. */
  private async find(
    container: Container,
    ids: readonly string[],
  ): Promise<Map<string, FoundMember["seen"]>> {
    const hits = new Map<string, FoundMember["seen"]>();
    if (ids.length <= POINT_READ_MAX) {
      const read = await mapLimited(ids, POINTS_IN_FLIGHT, (id) => this.pointRead(container, id));
      for (const [i, row] of read.entries()) if (row) hits.set(ids[i] as string, seenOf(row));
      return hits;
    }
    const query =
      "SELECT c.id, c.groups, c.groupsOverflow, c._etag FROM c WHERE c.tenantId = @tenant AND ARRAY_CONTAINS(@ids, c.id)";
    for (const part of idChunks(ids)) {
      for (const row of await this.queryAll<Row>(container, query, part)) hits.set(row.id, seenOf(row));
    }
    return hits;
  }

  private async pointRead(container: Container, id: string): Promise<Row | undefined> {
    const result = await cosmosCall(this.ctx, () => container.item(id, this.tenantId).read<Row>(), [404]);
    // Defence in depth: the partition key already scopes the read to the tenant.
    return result.ok && result.value.resource?.tenantId === this.tenantId ? result.value.resource : undefined;
  }

  private async queryAll<T>(container: Container, query: string, ids: readonly string[]): Promise<T[]> {
    const parameters: SqlParameter[] = [
      { name: "@tenant", value: this.tenantId },
      { name: "@ids", value: [...ids] },
    ];
    const out: T[] = [];
    let continuation: string | undefined;
    do {
      const page = await cosmosValue(this.ctx, () =>
        container.items
          .query<T>(
            { query, parameters },
            { partitionKey: this.tenantId, maxItemCount: IDS_PER_QUERY, continuationToken: continuation },
          )
          .fetchNext(),
      );
      out.push(...page.resources);
      continuation = page.continuationToken || undefined;
    } while (continuation);
    return out;
  }
}
