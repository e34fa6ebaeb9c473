import { EMULATOR_KEY, startEmbeddedCosmos } from "../../shared/local/embedded-cosmos.js";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { type Client, startServer } from "./local-server.js";

/** The endpoint with a fault proxy between it and the embedded Cosmos DB server. */
export interface FaultedServer {
  client: Client;
  proxy: FaultProxy;
  close(): Promise<void>;
}

/**
 * What the fault tests drive: the endpoint reaching the embedded server through the proxy, with a
 * 500 ms Cosmos request timeout inside a 600 ms request budget, so that a delayed call is a lost
 * response and an outage ends the request quickly. `close` also restores the environment.
 */
export async function startFaultedServer(database: string): Promise<FaultedServer> {
  const saved = { ...process.env };
  const cosmos = await startEmbeddedCosmos();
  const proxy = await startFaultProxy(cosmos.endpoint);
  const client = await startServer({
    COSMOS_ENDPOINT: proxy.endpoint,
    COSMOS_KEY: EMULATOR_KEY,
    COSMOS_DATABASE: database,
    COSMOS_REQUEST_TIMEOUT_MS: "500",
    SCIM_REQUEST_BUDGET_MS: "600",
  });
  return {
    client,
    proxy,
    close: async () => {
      await client.server.close();
      await proxy.close();
      await cosmos.close();
      process.env = saved;
    },
  };
}
