import { type Config, ConfigError, parseConfig } from "./config.js";
import { parseCustomExtensions } from "./schema/custom-extensions.js";
import { buildResourceTypes, type ResourceTypes } from "./schema/resource-type.js";
import { createCosmosClient } from "./store/cosmos-client.js";
import { ensureContainers } from "./store/ensure-containers.js";
import { CosmosMemberLookup, type MemberLookup } from "./store/member-lookup.js";
import { CosmosMembershipStore, type MembershipStore } from "./store/membership-store.js";
import { CosmosResourceStore, type ResourceStore } from "./store/resource-store.js";

/** Everything an operation needs, built once per process (the composition root). */
export interface Services {
  config: Config;
  resourceTypes: ResourceTypes;
  users: ResourceStore;
  groups: ResourceStore;
  /** Group memberships, one document per (group, member). */
  memberships: MembershipStore;
  /** Existence and names of the Users and Groups that memberships reference. */
  memberLookup: MemberLookup;
}

/** Operator-defined extension schemas; a bad definition stops start-up with every problem listed. */
function customExtensions(text: string | undefined) {
  const result = parseCustomExtensions(text ?? "");
  if (!result.ok) throw new ConfigError(result.error.message);
  return result.extensions;
}

/** Builds the services for an environment; exported for tests and the local host. */
export async function createServices(env: Record<string, string | undefined>): Promise<Services> {
  const config = parseConfig(env);
  const client = createCosmosClient(config.cosmos);
  const database = config.cosmos.createContainers
    ? await ensureContainers(client, config.cosmos.database)
    : client.database(config.cosmos.database);
  return {
    config,
    resourceTypes: buildResourceTypes(customExtensions(config.schemaExtensions)),
    users: new CosmosResourceStore(database.container("users")),
    groups: new CosmosResourceStore(database.container("groups")),
    memberships: new CosmosMembershipStore(database.container("memberships")),
    memberLookup: new CosmosMemberLookup(database.container("users"), database.container("groups")),
  };
}

let current: Promise<Services> | undefined;

/**
 * The process-wide services, created on first use from `process.env`. A failed start (bad config,
 * database unreachable) is not cached, so the next request retries instead of failing forever.
 */
export function getServices(): Promise<Services> {
  if (!current) {
    current = createServices(process.env);
    current.catch(() => {
      current = undefined;
    });
  }
  return current;
}
