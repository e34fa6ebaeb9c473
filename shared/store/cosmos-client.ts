import { CosmosClient } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import type { Config } from "../config.js";

/**
 * One CosmosClient per process (it pools connections and caches routing). Azure accounts are
 * reached with managed identity; a key is accepted only for a loopback emulator (config enforces it).
 */
export function createCosmosClient(cosmos: Config["cosmos"]): CosmosClient {
  const local = cosmos.key !== undefined;
  return new CosmosClient({
    endpoint: cosmos.endpoint,
    ...(local
      ? { key: cosmos.key }
      : {
          aadCredentials: new DefaultAzureCredential(
            cosmos.managedIdentityClientId ? { managedIdentityClientId: cosmos.managedIdentityClientId } : {},
          ),
        }),
    connectionPolicy: {
      // A loopback emulator advertises endpoints it does not serve; stay on the one configured.
      enableEndpointDiscovery: !local,
      retryOptions: {
        maxRetryAttemptCount: 5,
        fixedRetryIntervalInMilliseconds: 0,
        maxWaitTimeInSeconds: 10,
      },
    },
  });
}
