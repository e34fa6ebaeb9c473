import { type CosmosClient, type Database, PartitionKeyKind } from "@azure/cosmos";
import { containerDefinitions } from "./containers.js";

/**
 * Creates the database and containers from the same definitions Bicep deploys. Used only for local
 * emulators: in Azure the data-plane identity has no rights to create containers, by design.
 */
export async function ensureContainers(client: CosmosClient, databaseId: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const definition of containerDefinitions) {
    await database.containers.createIfNotExists({
      id: definition.id,
      partitionKey: { ...definition.partitionKey, kind: PartitionKeyKind.Hash },
      indexingPolicy: definition.indexingPolicy,
      ...(definition.uniqueKeyPolicy ? { uniqueKeyPolicy: definition.uniqueKeyPolicy } : {}),
    });
  }
  return database;
}
