import { type Authentication, Authenticator } from "./auth/authenticate.js";
import { CredentialDirectory } from "./auth/credential-directory.js";
import { EntraKeySource, v1MetadataUrl, v2MetadataUrl } from "./auth/entra-keys.js";
import { issueToken, type TokenOutcome, type TokenRequest } from "./auth/token-endpoint.js";
import { type Config, ConfigError, parseConfig } from "./config.js";
import type { Scope } from "./operations/operation.js";
import { parseCustomExtensions } from "./schema/custom-extensions.js";
import { buildResourceTypes, type ResourceTypes } from "./schema/resource-type.js";
import { type CallContext, callContext } from "./store/cosmos-call.js";
import { createCosmosClient, ensureContainers } from "./store/cosmos-client.js";
import { CosmosMemberLookup } from "./store/member-lookup.js";
import { CosmosMembershipStore } from "./store/membership-store.js";
import { CosmosResourceStore, USER_LIMITS } from "./store/resource-store.js";
import { CosmosTenantStore } from "./store/tenant-store.js";
import { TenantRegistry } from "./tenants/tenant-registry.js";

/** What the process builds once (the composition root): configuration, schemas, the database. */
export interface Services {
  config: Config;
  resourceTypes: ResourceTypes;
  /** The stores of one tenant, for one request whose Cosmos DB calls share `ctx` (a fresh budget by default). */
  scope(tenantId: string, ctx?: CallContext): Scope;
  /** Tenant administration (the operator CLI's operations; tests use them too). */
  tenants: TenantRegistry;
  /** The tenant a bearer credential belongs to (RFC 6750), or why it is refused. */
  authenticate(authorization: string | undefined, log: (message: string) => void): Promise<Authentication>;
  /** The token endpoint's logic (RFC 6749 §4.4). */
  issueToken(request: TokenRequest): Promise<TokenOutcome>;
}

/** Operator-defined extension schemas; a bad definition stops start-up with every problem listed. */
function customExtensions(extensions: Config["schemaExtensions"]) {
  const result = parseCustomExtensions(extensions?.text ?? "", extensions?.source);
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
  const tenantStore = new CosmosTenantStore(database.container("tenants"));
  const tenants = new TenantRegistry(tenantStore);
  const directory = new CredentialDirectory(tenantStore, {
    ttlMs: config.auth.cacheSeconds * 1000,
    maxEntries: config.auth.cacheEntries,
  });
  const authenticator = new Authenticator({
    config,
    directory,
    entraKeys: new EntraKeySource(v1MetadataUrl(config.auth.entraAuthority)),
    markTokenUsed: (tenantId, tokenId, day) => tenants.markTokenUsed(tenantId, tokenId, day),
  });
  const assertionKeys = new EntraKeySource(v2MetadataUrl(config.auth.entraAuthority));
  return {
    config,
    resourceTypes,
    tenants,
    authenticate: (authorization, log) => authenticator.authenticate(authorization, log),
    issueToken: (request) =>
      issueToken(request, {
        config,
        directory,
        assertionKeys,
        recordAssertion: (record) => tenantStore.recordAssertion(record),
      }),
    scope: (tenantId, ctx = callContext(config.requestBudgetMs)) => ({
      tenantId,
      config,
      resourceTypes,
      ctx,
      users: new CosmosResourceStore(users, tenantId, ctx, USER_LIMITS),
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
