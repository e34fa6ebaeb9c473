import type { Writable } from "node:stream";
import type { CliIo } from "./run-tenants-cli.js";

/**
 * The CLI's output on a process's streams, a line per call. A reader that stops early
 * (`| head -1`, `| grep -q`) closes its pipe, and the next write fails with EPIPE: unhandled, that
 * error ended the CLI with a stack trace and exit code 1 after the command had done its work. What
 * is left to print then has no reader, so it is dropped; any other stream error still throws.
 */
export function streamIo(out: Writable, err: Writable): CliIo {
  for (const stream of [out, err]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
  return {
    out: (text) => out.write(`${text}\n`),
    err: (text) => err.write(`${text}\n`),
  };
}
