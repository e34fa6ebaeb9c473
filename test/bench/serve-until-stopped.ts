/**
 * Runs a server of the benches in its own process: prints `announce` once it is up (the line the
 * bench waits for), closes it and exits 0 on SIGTERM or SIGINT, and exits 1 if it cannot start.
 */
export function serveUntilStopped(start: () => Promise<{ announce: string; close(): Promise<void> }>): void {
  start().then(
    (server) => {
      process.stdout.write(`${server.announce}\n`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
