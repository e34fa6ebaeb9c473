import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import type { MemberType, StoredResource } from "../../../shared/store/documents.js";
import type { MemberLookup } from "../../../shared/store/member-lookup.js";
import type {
  MemberRecord,
  MembershipLink,
  MembershipPage,
  MembershipStore,
} from "../../../shared/store/membership-store.js";
import type {
  QueryPage,
  QuerySpec,
  ResourceStore,
  WriteResult,
} from "../../../shared/store/resource-store.js";

export const resourceTypes = buildResourceTypes();

/** Every call a fake receives, in order, so tests can assert what was (not) touched. */
export type CallLog = string[];

/** An in-memory MembershipStore with the contract of the Cosmos one, paging `pageSize` at a time. */
export class MemoryMemberships implements MembershipStore {
  readonly links = new Map<string, MembershipLink>();
  constructor(
    readonly log: CallLog = [],
    private readonly pageSize = 2,
  ) {}

  seed(groupId: string, memberId: string, memberType: MemberType = "User") {
    this.links.set(`${groupId}~${memberId}`, { groupId, memberId, memberType });
  }

  members(groupId: string): string[] {
    return [...this.links.values()]
      .filter((l) => l.groupId === groupId)
      .map((l) => l.memberId)
      .sort();
  }

  async add(groupId: string, members: readonly MemberRecord[]) {
    this.log.push(`add ${groupId} ${members.map((m) => m.id).join(",")}`);
    for (const m of members) this.seed(groupId, m.id, m.type);
  }

  async remove(groupId: string, memberIds: readonly string[]) {
    this.log.push(`remove ${groupId} ${memberIds.join(",")}`);
    for (const id of memberIds) this.links.delete(`${groupId}~${id}`);
  }

  async membersPage(groupId: string, continuation?: string): Promise<MembershipPage> {
    this.log.push(`membersPage ${groupId} ${continuation ?? "-"}`);
    const all = [...this.links.values()].filter((l) => l.groupId === groupId);
    const from = Number(continuation ?? 0);
    const next = from + this.pageSize;
    return { items: all.slice(from, next), continuation: next < all.length ? String(next) : undefined };
  }

  async byMembers(memberIds: readonly string[], limit: number) {
    this.log.push(`byMembers ${memberIds.join(",")}`);
    return [...this.links.values()].filter((l) => memberIds.includes(l.memberId)).slice(0, limit + 1);
  }

  async byGroups(groupIds: readonly string[], limit: number) {
    this.log.push(`byGroups ${groupIds.join(",")}`);
    return [...this.links.values()].filter((l) => groupIds.includes(l.groupId)).slice(0, limit + 1);
  }

  async removeReferences(id: string) {
    this.log.push(`removeReferences ${id}`);
    let n = 0;
    for (const [key, l] of this.links) {
      if (l.groupId === id || l.memberId === id) {
        this.links.delete(key);
        n++;
      }
    }
    return n;
  }
}

/** Users and groups that exist, by id; group display names. */
export class MemoryLookup implements MemberLookup {
  constructor(
    readonly resources: Map<string, { type: MemberType; displayName?: string }>,
    readonly log: CallLog = [],
  ) {}

  async existing(ids: readonly string[]) {
    this.log.push(`existing ${ids.join(",")}`);
    const out = new Map<string, MemberType>();
    for (const id of ids) {
      const r = this.resources.get(id);
      if (r) out.set(id, r.type);
    }
    return out;
  }

  async groupNames(groupIds: readonly string[]) {
    this.log.push(`groupNames ${groupIds.join(",")}`);
    const out = new Map<string, string>();
    for (const id of groupIds) {
      const r = this.resources.get(id);
      if (r?.type === "Group") out.set(id, r.displayName ?? "");
    }
    return out;
  }
}

/** A ResourceStore over the same map: enough for `read` and `delete`. */
export class MemoryGroups implements ResourceStore {
  constructor(
    readonly resources: Map<string, { type: MemberType; displayName?: string }>,
    readonly log: CallLog = [],
  ) {}

  async read(id: string): Promise<StoredResource | undefined> {
    this.log.push(`read ${id}`);
    const r = this.resources.get(id);
    return r?.type === "Group"
      ? { id, resource: { displayName: r.displayName ?? "" }, etag: "e" }
      : undefined;
  }

  async delete(id: string) {
    this.log.push(`delete ${id}`);
    return this.resources.delete(id)
      ? { ok: true as const }
      : { ok: false as const, reason: "missing" as const };
  }

  async create(): Promise<WriteResult> {
    throw new Error("not used");
  }
  async replace(): Promise<WriteResult> {
    throw new Error("not used");
  }
  async query(_spec: QuerySpec): Promise<QueryPage> {
    throw new Error("not used");
  }
  async count(): Promise<number> {
    throw new Error("not used");
  }
}

/** A tenant with users u1..u4, groups g1 ("Sales"), g2 ("Ops"), and a shared call log. */
export function world() {
  const log: CallLog = [];
  const resources = new Map<string, { type: MemberType; displayName?: string }>([
    ["u1", { type: "User" }],
    ["u2", { type: "User" }],
    ["u3", { type: "User" }],
    ["u4", { type: "User" }],
    ["g1", { type: "Group", displayName: "Sales" }],
    ["g2", { type: "Group", displayName: "Ops" }],
  ]);
  const memberships = new MemoryMemberships(log);
  const memberLookup = new MemoryLookup(resources, log);
  const groups = new MemoryGroups(resources, log);
  return { log, resources, memberships, memberLookup, groups, resourceTypes };
}
