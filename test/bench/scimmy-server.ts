import type { AddressInfo } from "node:net";
import { referenceApp } from "./scimmy-reference.js";

/**
 * The benches' reference server (scimmy-reference.ts) in a process of its own.
 * Run: `node dist/test/bench/scimmy-server.js` with PORT and SCIM_TOKEN; prints its Tenant URL.
 */
const server = referenceApp(process.env.SCIM_TOKEN ?? "").listen(
  Number(process.env.PORT ?? 0),
  "127.0.0.1",
  () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`SCIM endpoint: http://127.0.0.1:${port}/scim/v2\n`);
  },
);
process.once("SIGTERM", () => server.close(() => process.exit(0)));
