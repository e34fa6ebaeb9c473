import { type Config, ConfigError, parseConfig } from "./config.js";
import type { Scope } from "./operations/operation.js";
import { parseCustomExtensions } from "./schema/custom-extensions.js";
import { buildResourceTypes, type ResourceTypes } from "./schema/resource-type.js";
import { type CallContext, callContext } from "./store/cosmos-call.js";
import { createCosmosClient, ensureContainers } from "./store/cosmos-client.js";
import { CosmosMemberLookup } from "./store/member-lookup.js";
import { CosmosMembershipStore } from "./store/membership-store.js";
import { CosmosResourceStore } from "./store/resource-store.js";

/** What the process builds once (the composition root): configuration, schemas, the database. */
export interface Services {
  config: Config;
  resourceTypes: ResourceTypes;
  /** The stores of one tenant, for one request whose Cosmos DB calls share `ctx` (a fresh budget by default). */
  scope(tenantId: string, ctx?: CallContext): Scope;
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
  const resourceTypes = buildResourceTypes(customExtensions(config.schemaExtensions));
  const client = createCosmosClient(config.cosmos);
  const database = config.cosmos.createContainers
    ? await ensureContainers(client, config.cosmos.database)
    : client.database(config.cosmos.database);
  const users = database.container("users");
  const groups = database.container("groups");
  const memberships = database.container("memberships");
  return {
    config,
    resourceTypes,
    scope: (tenantId, ctx = callContext(config.requestBudgetMs)) => ({
      tenantId,
      config,
      resourceTypes,
      ctx,
      users: new CosmosResourceStore(users, tenantId, ctx),
      groups: new CosmosResourceStore(groups, tenantId, ctx),
      memberships: new CosmosMembershipStore(memberships, tenantId, ctx),
      memberLookup: new CosmosMemberLookup(users, groups, tenantId, ctx),
    }),
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
