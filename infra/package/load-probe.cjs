// Cold-start probe, run in a fresh process:
//   node load-probe.cjs <functions-core-shim.js> <entry.js> [<entry.js> ...]
// Installs the `@azure/functions-core` shim (what the Functions worker injects), then times requiring
// the entries (the production entry, or every unbundled function file) with process.hrtime, and prints
// one JSON line: { loadMs, cpuMs, modules, count, httpStreams, registrations: [{ name, route, methods }] }, where
// `cpuMs` is the process's user + system CPU time over the same span (less sensitive to a busy machine
// than wall time), `modules` is how many CommonJS modules the entries loaded (files read and compiled)
// and `httpStreams` whether the entries enabled HTTP streams (app.setup).
"use strict";
const path = require("node:path");

const [shimPath, ...entries] = process.argv.slice(2);
if (!shimPath || entries.length === 0) {
  process.stderr.write("usage: node load-probe.cjs <functions-core-shim.js> <entry.js>...\n");
  process.exit(2);
}
const shim = require(path.resolve(shimPath));
const registrations = shim.installFunctionsCore();
const cached = Object.keys(require.cache).length;
const cpu = process.cpuUsage();
const start = process.hrtime.bigint();
for (const entry of entries) require(path.resolve(entry));
const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
const { user, system } = process.cpuUsage(cpu);
const cpuMs = (user + system) / 1000;
const modules = Object.keys(require.cache).length - cached;
const summary = registrations.map(({ name, route, methods }) => ({ name, route, methods }));
process.stdout.write(
  `${JSON.stringify({ loadMs, cpuMs, modules, count: summary.length, httpStreams: shim.httpStreamsEnabled(), registrations: summary })}\n`,
);
