import { startEmbeddedCosmos } from "../../shared/local/embedded-cosmos.js";
import { serveUntilStopped } from "./serve-until-stopped.js";

/**
 * The embedded Cosmos DB server alone in a process, so the benches can measure the local
 * Functions host's CPU without it (`COSMOS_ENDPOINT` points the host here). Prints its endpoint.
 */
serveUntilStopped(async () => {
  const cosmos = await startEmbeddedCosmos();
  return { announce: `Cosmos endpoint: ${cosmos.endpoint}`, close: () => cosmos.close() };
});
