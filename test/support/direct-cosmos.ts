import type { CosmosClient, Database } from "@azure/cosmos";
import { parseConfig } from "../../shared/config.js";
import { createCosmosClient } from "../../shared/store/cosmos-client.js";

/**
 * The endpoint's database read directly, as an application would, beside the server a test
 * started (`startServer` sets the environment both use): the client, the database, and the tenant
 * the test's requests write to.
 */
export function directCosmos(): { client: CosmosClient; database: () => Database; tenant: string } {
  const client = createCosmosClient(parseConfig(process.env).cosmos);
  return {
    client,
    database: () => client.database(process.env.COSMOS_DATABASE ?? "scim"),
    tenant: process.env.SCIM_TENANT_ID ?? "default",
  };
}
