import { Writable } from "node:stream";
import { expect, test } from "vitest";
import { streamIo } from "../../../shared/cli/cli-io.js";

/** A stream whose reader has gone, as stdout is when piped to `head -1` that has exited. */
const closedPipe = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    },
  });

test("a reader that stopped early (EPIPE) is no error: no stack trace, what is left is dropped", async () => {
  const out = closedPipe();
  const err = closedPipe();
  const io = streamIo(out, err);
  io.out("first line");
  io.out("second line");
  io.err("a progress line");
  // An unhandled 'error' event would be an uncaught exception, failing this test.
  await new Promise((resolve) => setImmediate(resolve));
  expect(out.destroyed).toBe(true);
});

test("lines are written with their newline", () => {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      written.push(String(chunk));
      callback();
    },
  });
  streamIo(sink, sink).out('{"a": 1}');
  expect(written).toEqual(['{"a": 1}\n']);
});
