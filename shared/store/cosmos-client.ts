import { CosmosClient, type CosmosClientOptions, type Database, PartitionKeyKind } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import type { Config } from "../config.js";
import { containerDefinitions } from "./containers.js";

type HttpClient = NonNullable<CosmosClientOptions["httpClient"]>;

/**
 * Transports for Cosmos DB servers running in this process (the embedded default registers one),
 * by endpoint origin. Only key-authenticated loopback endpoints use them: an Azure account never does.
 */
const inProcessServers = new Map<string, HttpClient>();

/** Routes this process's clients of `endpoint` through `httpClient`; the returned function undoes it. */
export function registerInProcessServer(endpoint: string, httpClient: HttpClient): () => void {
  const origin = new URL(endpoint).origin;
  inProcessServers.set(origin, httpClient);
  return () => {
    if (inProcessServers.get(origin) === httpClient) inProcessServers.delete(origin);
  };
}

/*
 * Calls to a server in this process carry a fixed Authorization header instead of an HMAC of the
 * key. Signing costs the SDK about 35 µs per call (it decodes the key from base64 and signs the
 * verb, resource and date every time), a third of a point read's CPU on the embedded server, which
 * accepts any credential. An Azure account's calls are never signed so: they carry a cached Entra
 * token. A Cosmos DB emulator in another process (reached over HTTP) still gets signed calls.
 */
const IN_PROCESS_AUTHORIZATION = "type=master&ver=1.0&sig=in-process";

/**
 * One CosmosClient per process (it pools connections and caches routing). Azure accounts are
 * reached with managed identity; a key is accepted only for a loopback emulator (config enforces it).
 */
export function createCosmosClient(cosmos: Config["cosmos"]): CosmosClient {
  const local = cosmos.key !== undefined;
  const inProcess = local ? inProcessServers.get(new URL(cosmos.endpoint).origin) : undefined;
  return new CosmosClient({
    endpoint: cosmos.endpoint,
    ...(inProcess
      ? { httpClient: inProcess, tokenProvider: async () => IN_PROCESS_AUTHORIZATION }
      : local
        ? { key: cosmos.key }
        : {
            aadCredentials: new DefaultAzureCredential(
              cosmos.managedIdentityClientId
                ? { managedIdentityClientId: cosmos.managedIdentityClientId }
                : {},
            ),
          }),
    connectionPolicy: {
      // A loopback emulator advertises endpoints it does not serve; stay on the one configured.
      enableEndpointDiscovery: !local,
      requestTimeout: cosmos.requestTimeoutMs,
      // The SDK's own throttling retries stay short: the request's budget (cosmosCall) decides
      // when to stop and answer 429 with Cosmos's Retry-After.
      retryOptions: {
        maxRetryAttemptCount: 3,
        fixedRetryIntervalInMilliseconds: 0,
        maxWaitTimeInSeconds: 5,
      },
    },
  });
}

/**
 * Creates the database and containers from the same definitions Bicep deploys. Used only for local
 * emulators: in Azure the data-plane identity has no rights to create containers, by design.
 */
export async function ensureContainers(client: CosmosClient, databaseId: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const definition of containerDefinitions) {
    await database.containers.createIfNotExists({
      id: definition.id,
      partitionKey: { ...definition.partitionKey, kind: PartitionKeyKind.Hash },
      indexingPolicy: definition.indexingPolicy,
      ...(definition.uniqueKeyPolicy ? { uniqueKeyPolicy: definition.uniqueKeyPolicy } : {}),
      ...(definition.defaultTtl !== undefined ? { defaultTtl: definition.defaultTtl } : {}),
    });
  }
  return database;
}
