import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { SCIM_PATH } from "../http/scim-path.js";
import { EMULATOR_KEY, type EmbeddedCosmos, startEmbeddedCosmos } from "./embedded-cosmos.js";
import { httpStreamsEnabled, installFunctionsCore } from "./functions-core-shim.js";
import { startLocalHost } from "./local-host.js";

export interface LocalOptions {
  /** The modules that register functions (what package.json `main` names). */
  functionFiles: readonly string[];
  port?: number;
  /** Defaults to `process.env`; the services read their configuration from it. */
  env?: NodeJS.ProcessEnv;
  log?: (level: string, message: string) => void;
  /**
   * Starts the embedded Cosmos DB server when COSMOS_ENDPOINT is unset: on this thread by default
   * (the tests), on a thread of its own for `npm start` (startEmbeddedCosmosThread).
   */
  startCosmos?: () => Promise<EmbeddedCosmos>;
}

export interface LocalServer {
  tenantUrl: string;
  token: string | undefined;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Runs the endpoint with no Azure: the embedded Cosmos DB-compatible server (unless COSMOS_ENDPOINT
 * points elsewhere) and the local host serving the registered functions.
 */
export async function startLocal(options: LocalOptions): Promise<LocalServer> {
  const env = options.env ?? process.env;
  const registrations = installFunctionsCore();
  const cosmos = env.COSMOS_ENDPOINT ? undefined : await (options.startCosmos ?? startEmbeddedCosmos)();
  if (cosmos) {
    env.COSMOS_ENDPOINT = cosmos.endpoint;
    env.COSMOS_KEY = EMULATOR_KEY;
  }
  if (!env.SCIM_TOKEN && !env.SCIM_TOKEN_SHA256) env.SCIM_TOKEN = randomBytes(32).toString("base64url");
  for (const file of options.functionFiles) await import(pathToFileURL(file).href);
  // The local host hands handlers the body as a stream, as Azure does with HTTP streams on; an app
  // without them would get a buffered body there, so serving it here would hide the difference.
  if (!httpStreamsEnabled()) {
    await cosmos?.close();
    throw new Error(
      "The function app does not enable HTTP streams: call app.setup({ enableHttpStream: true }).",
    );
  }
  const host = await startLocalHost({
    registrations,
    routePrefix: "",
    port: options.port ?? 7071,
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    tenantUrl: `${host.url}/${SCIM_PATH}`,
    token: env.SCIM_TOKEN,
    embedded: cosmos !== undefined,
    close: async () => {
      await host.close();
      await cosmos?.close();
    },
  };
}
