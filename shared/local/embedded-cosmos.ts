import type { AddressInfo } from "node:net";

/** The well-known key of the Cosmos DB emulator; the embedded server accepts any key. */
export const EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

export interface EmbeddedCosmos {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts `@vercel/cosmosdb-server` in-process on loopback (plain HTTP; data lives in memory and is
 * gone on exit). It is a development dependency: production builds never load this module.
 */
export async function startEmbeddedCosmos(port = 0): Promise<EmbeddedCosmos> {
  const { createHttpServer } = await import("@vercel/cosmosdb-server");
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
