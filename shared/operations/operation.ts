import type { Config } from "../config.js";
import type { ResourceType, ResourceTypes } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { CallContext } from "../store/cosmos-call.js";
import type { MemberLookup } from "../store/member-lookup.js";
import type { MembershipStore } from "../store/membership-store.js";
import type { ResourceStore } from "../store/resource-store.js";

/** The request as operations see it: no runtime objects (the Azure and local hosts both adapt to it). */
export interface ScimRequest {
  method: string;
  url: URL;
  header(name: string): string | undefined;
  params: Readonly<Record<string, string>>;
  /** Parsed JSON body (undefined for bodiless requests); size and media type already checked. */
  body: unknown;
  /** The SCIM base URL (Tenant URL) responses link to, e.g. https://app.azurewebsites.net/scim/v2. */
  baseUrl: string;
}

/** What an operation returns; the runtime adapter turns it into the host's response type. */
export interface ScimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: ScimObject;
}

export const scimResponse = (
  status: number,
  body?: ScimObject,
  headers: Record<string, string> = {},
): ScimResponse => ({ status, headers, ...(body ? { body } : {}) });

/**
 * Everything one request may touch, bound to the tenant its credential resolved to: every store
 * here reads and writes that tenant's partition only, so no operation can name another tenant.
 */
export interface Scope {
  tenantId: string;
  config: Config;
  /** The request's Cosmos DB budget and meter, shared by every store below. */
  ctx: CallContext;
  resourceTypes: ResourceTypes;
  users: ResourceStore;
  groups: ResourceStore;
  /** Group memberships, one document per (group, member). */
  memberships: MembershipStore;
  /** Existence and names of the Users and Groups that memberships reference. */
  memberLookup: MemberLookup;
}

/** A SCIM operation: pure logic plus repository calls, no runtime objects. */
export type Operation = (request: ScimRequest, scope: Scope) => Promise<ScimResponse>;

export type ResourceKind = "User" | "Group";

/** The schema and store for a kind of resource. */
export function resourceOf(scope: Scope, kind: ResourceKind): { type: ResourceType; store: ResourceStore } {
  return kind === "User"
    ? { type: scope.resourceTypes.User, store: scope.users }
    : { type: scope.resourceTypes.Group, store: scope.groups };
}
