import { defineConfig } from "vitest/config";

// `npm run test:cosmos` (test/support/run-cosmos-tests.mjs): the suites that talk to Cosmos DB,
// against a real account. The fault-injection suite needs a plain-HTTP server to proxy, so it
// runs only on the embedded server.
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
    exclude: ["dist/**", "node_modules/**", "test/e2e/faults.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
