import type { Database } from "@azure/cosmos";
import { parseBaseUrl, parseStoreConfig } from "../config.js";
import { isRunning, localEndpointPath, readLocalEndpoint } from "../local/local-endpoint-file.js";
import { cosmosStatus } from "../store/cosmos-call.js";
import { createCosmosClient } from "../store/cosmos-client.js";
import { CosmosTenantStore, deleteTenantItems } from "../store/tenant-store.js";
import { TenantRegistry } from "../tenants/tenant-registry.js";

/** No database can be reached: the CLI says how to get one, exit code 5. */
export class NoStoreError extends Error {
  override name = "NoStoreError";
}

/** The containers holding a tenant's SCIM data, emptied by `delete` (memberships first). */
export const DATA_CONTAINERS = ["memberships", "groups", "users"] as const;

export interface CliStore {
  registry: TenantRegistry;
  /** Deletes up to `batchSize` items of the tenant from one container; 0 when it is empty. */
  deleteBatch(
    container: (typeof DATA_CONTAINERS)[number],
    tenantId: string,
    batchSize: number,
  ): Promise<number>;
  /** Where Entra's fields point, when known (the running `npm start`, or SCIM_BASE_URL). */
  tenantUrl: string | undefined;
  /** What the CLI is working against, for its messages. */
  target: string;
  close(): void;
}

/**
 * The database the CLI administers: `COSMOS_ENDPOINT` when set (Azure: DefaultAzureCredential, so
 * the operator's `az login` identity needs a Cosmos DB data-plane role), otherwise the embedded
 * server of a running `npm start`, found through the file it writes.
 */
export async function openCliStore(env: Record<string, string | undefined>, root: string): Promise<CliStore> {
  let cosmos: ReturnType<typeof parseStoreConfig>;
  let target: string;
  let tenantUrl = parseBaseUrl(env);
  if (env.COSMOS_ENDPOINT) {
    cosmos = { ...parseStoreConfig(env), createContainers: false };
    target = `Cosmos DB ${cosmos.endpoint} (database ${cosmos.database})`;
  } else {
    const file = localEndpointPath(root, env);
    const local = readLocalEndpoint(file);
    if (!local) {
      throw new NoStoreError(
        `Nothing is running: start the endpoint with \`npm start\` in another terminal (it writes ${file}), ` +
          "or set COSMOS_ENDPOINT to administer a Cosmos DB account.",
      );
    }
    if (!isRunning(local.pid)) {
      throw new NoStoreError(
        `The \`npm start\` that wrote ${file} (pid ${local.pid}) is no longer running: start it again ` +
          "(its embedded database lives in memory, so earlier tenants are gone).",
      );
    }
    cosmos = {
      endpoint: local.cosmosEndpoint,
      key: local.cosmosKey,
      database: local.database,
      createContainers: false,
      requestTimeoutMs: 10_000,
      managedIdentityClientId: undefined,
    };
    target = `the embedded database of \`npm start\` (pid ${local.pid})`;
    tenantUrl ??= local.tenantUrl;
  }
  const client = createCosmosClient(cosmos);
  const database = client.database(cosmos.database);
  await reachable(database, target);
  return {
    registry: new TenantRegistry(new CosmosTenantStore(database.container("tenants"))),
    deleteBatch: (container, tenantId, batchSize) =>
      deleteTenantItems(database.container(container), tenantId, batchSize),
    tenantUrl,
    target,
    close: () => client.dispose(),
  };
}

async function reachable(database: Database, target: string) {
  try {
    await database.container("tenants").read();
  } catch (error) {
    if (cosmosStatus(error) === 404) {
      throw new NoStoreError(`${target} has no 'tenants' container: deploy the current infra/ first.`);
    }
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new NoStoreError(`Cannot reach ${target}: ${reason}`);
  }
}
