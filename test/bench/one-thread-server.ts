import path from "node:path";
import { functionFiles } from "../../shared/local/function-files.js";
import { startLocal } from "../../shared/local/start-local.js";
import { serveUntilStopped } from "./serve-until-stopped.js";

/**
 * The endpoint as `npm start` runs it, but with the embedded Cosmos DB server on the host's own
 * thread (startLocal's default, as the tests run it): the side-by-side bench measures what the
 * database's thread of its own buys against this form. Prints its Tenant URL as `npm start` does.
 */
serveUntilStopped(async () => {
  const root = path.resolve(__dirname, "../../..");
  const server = await startLocal({
    functionFiles: functionFiles(root),
    port: Number(process.env.PORT ?? 0),
  });
  return { announce: `Tenant URL: ${server.tenantUrl}`, close: () => server.close() };
});
