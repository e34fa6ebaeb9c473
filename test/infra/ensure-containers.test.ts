import type { CosmosClient } from "@azure/cosmos";
import { describe, expect, it } from "vitest";
import { containerDefinitions } from "../../shared/store/containers.js";
import { ensureContainers } from "../../shared/store/cosmos-client.js";

/**
 * Locally the app creates its containers from shared/store/containers.json, the file Bicep deploys in Azure.
 * Every key a definition holds must reach the create request, or a local emulator would run with other
 * settings than Azure (a TTL left out, say).
 */

function recordingClient(): { client: CosmosClient; created: Record<string, unknown>[] } {
  const created: Record<string, unknown>[] = [];
  const database = {
    containers: {
      createIfNotExists: async (body: Record<string, unknown>) => {
        created.push(body);
        return {};
      },
    },
  };
  const client = { databases: { createIfNotExists: async () => ({ database }) } };
  return { client: client as unknown as CosmosClient, created };
}

describe("ensureContainers (local emulators) creates what Bicep deploys", () => {
  it("passes every key of every containers.json definition, with its value", async () => {
    const { client, created } = recordingClient();
    await ensureContainers(client, "scim");
    expect(created.map((c) => c.id)).toEqual(containerDefinitions.map((d) => d.id));
    for (const definition of containerDefinitions) {
      const body = created.find((c) => c.id === definition.id);
      expect(body).toBeDefined();
      for (const [key, value] of Object.entries(definition)) {
        expect({ container: definition.id, key, value: body?.[key] }).toEqual({
          container: definition.id,
          key,
          value,
        });
      }
    }
  });

  it("turns TTL on for the tenants container only, without a default expiry", async () => {
    const { client, created } = recordingClient();
    await ensureContainers(client, "scim");
    expect(created.filter((c) => "defaultTtl" in c).map((c) => [c.id, c.defaultTtl])).toEqual([
      ["tenants", -1],
    ]);
  });
});
