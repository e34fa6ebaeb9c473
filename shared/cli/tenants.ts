import path from "node:path";
import { streamIo } from "./cli-io.js";
import { runTenantsCli } from "./run-tenants-cli.js";

/** `npm run tenants -- <command>` (built to dist/shared/cli/tenants.js). */
runTenantsCli(process.argv.slice(2), {
  env: process.env,
  root: path.resolve(__dirname, "../../.."),
  io: streamIo(process.stdout, process.stderr),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
