import path from "node:path";
import { ConfigError, localPort } from "../config.js";
import { tokenEndpointUrl } from "../discovery/authentication-schemes.js";
import { getServices } from "../services.js";
import { startEmbeddedCosmosThread } from "./embedded-cosmos-thread.js";
import { functionFiles } from "./function-files.js";
import { localEndpointPath, removeLocalEndpoint, writeLocalEndpoint } from "./local-endpoint-file.js";
import { startLocal } from "./start-local.js";

/** `npm start`: the endpoint on this machine, printing what to paste into Entra. */
async function main() {
  const root = path.resolve(__dirname, "../../..");
  const port = localPort(process.env.PORT);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const endpointFile = localEndpointPath(root, process.env);
  const server = await startLocal({
    functionFiles: functionFiles(root),
    port,
    // The database's data lives on its thread: without it there is nothing left to serve.
    startCosmos: () =>
      startEmbeddedCosmosThread({
        onStopped: (error) => {
          process.stderr.write(`[error] ${error.message} Its data (in memory) is gone; stopping.\n`);
          removeLocalEndpoint(endpointFile, process.pid);
          process.exit(1);
        },
      }),
    log: (level, message) => {
      if (level === "error" || level === "warning") process.stderr.write(`[${level}] ${message}\n`);
    },
  });
  // Fail at start-up, not on the first request, when a setting is wrong.
  const { config } = await getServices();
  const tokenUrl = tokenEndpointUrl(server.tenantUrl);
  // The operator CLI (`npm run tenants`) finds the embedded database through this file.
  if (server.embedded) {
    writeLocalEndpoint(endpointFile, {
      pid: process.pid,
      cosmosEndpoint: config.cosmos.endpoint,
      cosmosKey: config.cosmos.key ?? "",
      database: config.cosmos.database,
      tenantUrl: server.tenantUrl,
      tokenUrl,
      started: new Date().toISOString(),
    });
    process.once("exit", () => removeLocalEndpoint(endpointFile, process.pid));
  }
  out("");
  out(`SCIM endpoint running${server.embedded ? " on the embedded Cosmos DB emulator (in memory)" : ""}.`);
  out(`  Tenant URL:     ${server.tenantUrl}`);
  if (server.token) out(`  Secret Token:   ${server.token}   (tenant "${config.tenantId}")`);
  out(`  Token endpoint: ${tokenUrl}   (OAuth 2.0 client credentials)`);
  out("");
  out(
    `Try: curl -H "Authorization: Bearer <token>" "${server.tenantUrl}/Users?filter=userName%20eq%20%22x%22"`,
  );
  out("Add a customer tenant, in another terminal:");
  out('  npm run tenants -- create contoso --name "Contoso"');
  out("  npm run tenants -- token create contoso        (prints its Secret Token once)");
  out("Press Ctrl-C to stop.");
  const stop = async () => {
    out("Stopping...");
    removeLocalEndpoint(endpointFile, process.pid);
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
