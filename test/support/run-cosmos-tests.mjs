#!/usr/bin/env node
// `npm run test:cosmos`: the integration and end-to-end suites against a real Cosmos DB account,
// in data that is thrown away afterwards. Skipped (exit 0, with a message) when no account is set.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CosmosClient } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const endpoint = process.env.COSMOS_ENDPOINT;
if (!endpoint) {
  process.stdout.write(
    "npm run test:cosmos: skipped. Set COSMOS_ENDPOINT to an Azure Cosmos DB account (reached with " +
      "DefaultAzureCredential; set COSMOS_DATABASE to a database holding the containers Bicep deploys) " +
      "or to the official emulator on localhost (with COSMOS_KEY; a throwaway database is created).\n",
  );
  process.exit(0);
}
const run = randomUUID().slice(0, 8);
const key = process.env.COSMOS_KEY;
const client = key
  ? new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } })
  : new CosmosClient({
      endpoint,
      aadCredentials: new DefaultAzureCredential(
        process.env.AZURE_CLIENT_ID ? { managedIdentityClientId: process.env.AZURE_CLIENT_ID } : {},
      ),
    });
// With a key (an emulator) the run gets its own database; with Entra ID the data-plane roles
// cannot create databases, so the run uses tenant partitions of its own in an existing one.
const database = key ? `scim-test-${run}` : process.env.COSMOS_DATABASE;
if (!database) {
  process.stderr.write(
    "npm run test:cosmos: set COSMOS_DATABASE to a database deployed by infra/ (Entra ID auth).\n",
  );
  process.exit(2);
}
const env = {
  ...process.env,
  SCIM_TEST_COSMOS: "1",
  SCIM_TEST_RUN: run,
  COSMOS_DATABASE: database,
  COSMOS_CREATE_CONTAINERS: key ? "true" : "false",
  SCIM_TENANT_ID: `e2e-${run}`,
};
process.stdout.write(`Running against ${endpoint}, database ${database}, run ${run}\n`);
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const result = spawnSync(process.execPath, [vitest, "run", "--config", "vitest.cosmos.config.mts"], {
  cwd: root,
  env,
  stdio: "inherit",
});

try {
  if (key) {
    await client.database(database).delete();
  } else {
    // Every tenant this run used ends with its id: delete those documents, partition by partition.
    for (const { id } of (await client.database(database).containers.readAll().fetchAll()).resources) {
      const container = client.database(database).container(id);
      const query = {
        query: "SELECT c.id, c.tenantId FROM c WHERE ENDSWITH(c.tenantId, @run)",
        parameters: [{ name: "@run", value: run }],
      };
      const { resources } = await container.items.query(query).fetchAll();
      for (const doc of resources)
        await container
          .item(doc.id, doc.tenantId)
          .delete()
          .catch(() => undefined);
    }
  }
  process.stdout.write(`Removed the run's data (${key ? `database ${database}` : `tenants *${run}`}).\n`);
} catch (error) {
  process.stderr.write(
    `Could not remove the run's data: ${error instanceof Error ? error.message : String(error)}\n`,
  );
}
process.exit(result.status ?? 1);
