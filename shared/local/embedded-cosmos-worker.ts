import { parentPort } from "node:worker_threads";
import { startEmbeddedCosmos } from "./embedded-cosmos.js";
import { answerThreadCalls } from "./in-process-transport.js";

/*
 * The database thread's entry (started by embedded-cosmos-thread.ts): the embedded server, listening
 * on a loopback port for other processes (the tenants CLI), and answering this process's calls
 * that arrive as messages. It reports its endpoint once it is ready; a failure to start is thrown,
 * which ends the thread with that error.
 */
async function main() {
  const port = parentPort;
  if (!port)
    throw new Error("embedded-cosmos-worker runs as a worker thread (see embedded-cosmos-thread.ts)");
  const cosmos = await startEmbeddedCosmos();
  answerThreadCalls(port, cosmos.transport);
  port.postMessage({ ready: cosmos.endpoint });
}

main().catch((error: unknown) => {
  // Rethrown outside the promise: an uncaught error ends the thread and reaches the 'error' event.
  setImmediate(() => {
    throw error;
  });
});
