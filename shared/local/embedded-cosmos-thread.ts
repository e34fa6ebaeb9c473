import path from "node:path";
import { Worker } from "node:worker_threads";
import { registerInProcessServer } from "../store/cosmos-client.js";
import type { EmbeddedCosmos } from "./embedded-cosmos.js";
import { threadHttpClient } from "./in-process-transport.js";

/*
 * `npm start` runs the embedded Cosmos DB server on a worker thread of its own, as Cosmos DB does
 * its work apart from the Functions host in Azure. On the host's thread, the server's work
 * (routing, storing, unique-key indexes, queries) was a share of every request's CPU on the one
 * thread that also reads and answers HTTP: while it stored or searched, no other request moved.
 * The SDK still runs whole on the host's thread; each call crosses to the server's thread as one
 * message each way (in-process-transport.ts). The README's benchmarks run `npm start` in this form.
 * The tests start the server on the test's own thread (startEmbeddedCosmos), and cover this path
 * with the project compiled as `npm start` compiles it (test/e2e/npm-start.test.ts runs `npm start`).
 */

export interface CosmosThreadOptions {
  /** The worker's script; by default the compiled embedded-cosmos-worker.js beside this module. */
  workerFile?: string;
  /**
   * Called once if the thread ends without `close()`: its data, in memory, is gone. Calls in flight
   * and later fail as a dropped connection fails (ECONNRESET), which the store retries and then
   * answers 503; `npm start` stops instead.
   */
  onStopped?: (error: Error) => void;
}

export const defaultWorkerFile = () => path.join(__dirname, "embedded-cosmos-worker.js");

const stopped = (reason: string) =>
  Object.assign(new Error(`The embedded Cosmos DB server's thread stopped: ${reason}.`), {
    code: "ECONNRESET",
  });

/** Starts the embedded server on its own thread; this process's Cosmos clients reach it by message. */
export async function startEmbeddedCosmosThread(options: CosmosThreadOptions = {}): Promise<EmbeddedCosmos> {
  const worker = new Worker(options.workerFile ?? defaultWorkerFile());
  const endpoint = await new Promise<string>((resolve, reject) => {
    const onMessage = (message: { ready?: string }) => {
      if (typeof message.ready !== "string") return;
      worker.off("error", reject);
      worker.off("exit", onExit);
      worker.off("message", onMessage);
      resolve(message.ready);
    };
    const onExit = (code: number) =>
      reject(new Error(`The embedded Cosmos DB thread exited (code ${code}).`));
    worker.on("message", onMessage);
    worker.once("error", reject);
    worker.once("exit", onExit);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  const transport = threadHttpClient(worker);
  const unregister = registerInProcessServer(endpoint, transport);
  // Set by the first of a close and a stop: a close is not reported, and a stop only once.
  let ended = false;
  const stop = (error: Error) => {
    if (ended) return;
    ended = true;
    transport.fail(error);
    options.onStopped?.(error);
  };
  worker.on("error", (error) => stop(stopped(error.message)));
  worker.on("exit", (code) => stop(stopped(`exit code ${code}`)));
  return {
    endpoint,
    transport,
    close: async () => {
      ended = true;
      unregister();
      transport.fail(stopped("closed"));
      await worker.terminate();
    },
  };
}
