import { randomUUID } from "node:crypto";
import { EMULATOR_KEY, startEmbeddedCosmos } from "../../shared/local/embedded-cosmos.js";

/**
 * The Cosmos DB the integration tests use: the embedded server by default; under
 * `npm run test:cosmos` the account in COSMOS_ENDPOINT (and the database `run-cosmos-tests.mjs`
 * prepared), so that the same tests prove the store against real Cosmos DB.
 */
export interface TestCosmos {
  /** Environment for `createServices`: endpoint, key (emulators only) and database. */
  env: Record<string, string>;
  /** A tenant id no other run uses: real accounts are shared, partitions keep runs apart. */
  tenant(name: string): string;
  close(): Promise<void>;
}

export const againstRealCosmos = () => process.env.SCIM_TEST_COSMOS === "1";

export async function startTestCosmos(): Promise<TestCosmos> {
  const run = randomUUID().slice(0, 8);
  const tenant = (name: string) =>
    againstRealCosmos() ? `${name}-${process.env.SCIM_TEST_RUN ?? run}` : name;
  if (againstRealCosmos()) {
    const env: Record<string, string> = {
      COSMOS_ENDPOINT: process.env.COSMOS_ENDPOINT as string,
      COSMOS_DATABASE: process.env.COSMOS_DATABASE as string,
      SCIM_TOKEN: "integration-token-0123456789",
    };
    if (process.env.COSMOS_KEY) env.COSMOS_KEY = process.env.COSMOS_KEY;
    return { env, tenant, close: async () => {} };
  }
  const cosmos = await startEmbeddedCosmos();
  return {
    env: {
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: EMULATOR_KEY,
      COSMOS_DATABASE: `it-${run}`,
      SCIM_TOKEN: "integration-token-0123456789",
    },
    tenant,
    close: () => cosmos.close(),
  };
}
