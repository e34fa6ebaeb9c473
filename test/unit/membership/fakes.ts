import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { callContext } from "../../../shared/store/cosmos-call.js";
import type { GroupRef, MemberType, StoredResource } from "../../../shared/store/documents.js";
import type { FoundMember, MemberLookup } from "../../../shared/store/member-lookup.js";
import type {
  MemberRecord,
  MembershipLink,
  MembershipPage,
  MembershipStore,
} from "../../../shared/store/membership-store.js";
import type {
  PatchFields,
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
    let added = 0;
    for (const m of members) {
      if (!this.links.has(`${groupId}~${m.id}`)) added++;
      this.seed(groupId, m.id, m.type);
    }
    return added;
  }

  async remove(groupId: string, memberIds: readonly string[]) {
    this.log.push(`remove ${groupId} ${memberIds.join(",")}`);
    let removed = 0;
    for (const id of memberIds) if (this.links.delete(`${groupId}~${id}`)) removed++;
    return removed;
  }

  async exists(groupId: string, memberId: string) {
    this.log.push(`exists ${groupId} ${memberId}`);
    return this.links.has(`${groupId}~${memberId}`);
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

  async removeReferences(id: string, visit?: (page: MembershipLink[]) => Promise<void>) {
    this.log.push(`removeReferences ${id}`);
    const removed = [...this.links.values()].filter((l) => l.groupId === id || l.memberId === id);
    if (visit) await visit(removed);
    this.log.push(`deleted ${removed.length}`);
    for (const l of removed) this.links.delete(`${l.groupId}~${l.memberId}`);
    return removed;
  }
}

/** Users and groups that exist, by id; group display names. */
export class MemoryLookup implements MemberLookup {
  constructor(
    readonly resources: Map<string, FakeResource>,
    readonly log: CallLog = [],
  ) {}

  async existing(ids: readonly string[]) {
    this.log.push(`existing ${ids.join(",")}`);
    const out = new Map<string, FoundMember>();
    for (const id of ids) {
      const r = this.resources.get(id);
      if (r?.type === "User") {
        const seen = {
          etag: `e${r.version ?? 0}`,
          groups: r.groups ?? [],
          ...(r.groupsOverflow ? { groupsOverflow: true as const } : {}),
        };
        out.set(id, { type: r.type, seen });
      } else if (r) out.set(id, { type: r.type });
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

/** A resource of the fake world: a user or a group, with what the membership writes keep in step. */
export interface FakeResource {
  type: MemberType;
  displayName?: string;
  groups?: GroupRef[];
  groupsOverflow?: boolean;
  version?: number;
}

/** A ResourceStore over the same map for one kind: `read`, `delete` and `patch` with ETags. */
export class MemoryResources implements ResourceStore {
  constructor(
    readonly resources: Map<string, FakeResource>,
    readonly kind: MemberType,
    readonly log: CallLog = [],
  ) {}

  async read(id: string): Promise<StoredResource | undefined> {
    this.log.push(`read ${id}`);
    const r = this.resources.get(id);
    return r?.type === this.kind ? this.stored(id, r) : undefined;
  }

  private stored(id: string, r: FakeResource): StoredResource {
    return {
      id,
      resource: this.kind === "Group" ? { displayName: r.displayName ?? "" } : { userName: id },
      etag: `e${r.version ?? 0}`,
      ...(r.groups?.length ? { groups: r.groups } : {}),
      ...(r.groupsOverflow ? { groupsOverflow: true as const } : {}),
    };
  }

  async delete(id: string) {
    this.log.push(`delete ${id}`);
    return this.resources.delete(id)
      ? { ok: true as const }
      : { ok: false as const, reason: "missing" as const };
  }

  async patch(id: string, fields: PatchFields, etag?: string): Promise<WriteResult> {
    this.log.push(`patch ${id} ${Object.keys(fields).join(",")}`);
    const r = this.resources.get(id);
    if (r?.type !== this.kind) return { ok: false, reason: "missing" };
    if (etag !== undefined && etag !== `e${r.version ?? 0}`) return { ok: false, reason: "stale" };
    if (fields.groups) r.groups = fields.groups;
    if (fields.groupsOverflow !== undefined) r.groupsOverflow = fields.groupsOverflow;
    r.version = (r.version ?? 0) + 1;
    return { ok: true, value: this.stored(id, r) };
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
  const resources = new Map<string, FakeResource>([
    ["u1", { type: "User" }],
    ["u2", { type: "User" }],
    ["u3", { type: "User" }],
    ["u4", { type: "User" }],
    ["g1", { type: "Group", displayName: "Sales" }],
    ["g2", { type: "Group", displayName: "Ops" }],
  ]);
  const memberships = new MemoryMemberships(log);
  const memberLookup = new MemoryLookup(resources, log);
  const groups = new MemoryResources(resources, "Group", log);
  const users = new MemoryResources(resources, "User", log);
  const ctx = callContext(5_000);
  return { log, resources, memberships, memberLookup, groups, users, ctx, resourceTypes };
}
