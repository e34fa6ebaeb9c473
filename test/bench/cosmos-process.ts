import { startEmbeddedCosmos } from "../../shared/local/embedded-cosmos.js";

/**
 * The embedded Cosmos DB server alone in a process, so the benches can measure the local
 * Functions host's CPU without it (`COSMOS_ENDPOINT` points the host here). Prints its endpoint.
 */
async function main() {
  const cosmos = await startEmbeddedCosmos();
  process.stdout.write(`Cosmos endpoint: ${cosmos.endpoint}\n`);
  const stop = async () => {
    await cosmos.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
