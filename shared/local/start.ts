import path from "node:path";
import { ConfigError } from "../config.js";
import { getServices } from "../services.js";
import { functionFiles } from "./function-files.js";
import { startLocal } from "./start-local.js";

/** `npm start`: the endpoint on this machine, printing what to paste into Entra. */
async function main() {
  const root = path.resolve(__dirname, "../../..");
  const port = Number(process.env.PORT ?? 7071);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const server = await startLocal({
    functionFiles: functionFiles(root),
    port,
    log: (level, message) => {
      if (level === "error" || level === "warning") process.stderr.write(`[${level}] ${message}\n`);
    },
  });
  // Fail at start-up, not on the first request, when a setting is wrong.
  await getServices();
  out("");
  out(`SCIM endpoint running${server.embedded ? " on the embedded Cosmos DB emulator (in memory)" : ""}.`);
  out(`  Tenant URL:   ${server.tenantUrl}`);
  if (server.token) out(`  Secret Token: ${server.token}`);
  out("");
  out(
    `Try: curl -H "Authorization: Bearer <token>" "${server.tenantUrl}/Users?filter=userName%20eq%20%22x%22"`,
  );
  out("Press Ctrl-C to stop.");
  const stop = async () => {
    out("Stopping...");
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
