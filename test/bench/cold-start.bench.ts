import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { functionFiles } from "../../shared/local/function-files.js";
import { type Bench, fmt, median } from "./bench-context.js";

/** Fresh processes per variant (after one unmeasured run each, so both start from a warm file cache). */
const RUNS = 15;
const TARGET_MS = 150;
const TARGET_ZIP_BYTES = 5 * 1024 * 1024;

const root = path.resolve(__dirname, "../../..");
const bundle = path.join(root, "build/dist/main.js");
const zip = path.join(root, "build/scim-functions.zip");
const shim = path.join(root, "dist/shared/local/functions-core-shim.js");
const probe = path.join(root, "infra/package/load-probe.cjs");

interface Sample {
  /** Load + register, measured inside the child with process.hrtime. */
  loadMs: number;
  /** CPU time (user + system) of the child over the same span. */
  cpuMs: number;
  /** Spawn to exit, measured here: Node's own start-up included. */
  processMs: number;
  modules: number;
  count: number;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Packages when build/ is missing or older than the sources it bundles. */
function ensurePackage(log: (line: string) => void) {
  const sources = Math.max(
    newestMtime(path.join(root, "functions")),
    newestMtime(path.join(root, "shared")),
    statSync(path.join(root, "host.json")).mtimeMs,
  );
  if (existsSync(bundle) && existsSync(zip) && statSync(bundle).mtimeMs >= sources) return;
  log("build/ is missing or stale: running npm run package");
  const run = spawnSync(process.execPath, [path.join(root, "infra/package/package.mjs")], {
    cwd: root,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`packaging failed:\n${run.stderr}`);
  log(run.stdout.trim());
}

function sample(entries: string[]): Sample {
  const start = performance.now();
  const child = spawnSync(process.execPath, [probe, shim, ...entries], { cwd: root, encoding: "utf8" });
  const processMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`probe failed (${child.status}):\n${child.stderr}`);
  const out = JSON.parse(child.stdout) as { loadMs: number; cpuMs: number; modules: number; count: number };
  return { loadMs: out.loadMs, cpuMs: out.cpuMs, processMs, modules: out.modules, count: out.count };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const verdict = (ok: boolean) => (ok ? "**pass**" : "**FAIL**");

const bench: Bench = async (ctx) => {
  ensurePackage(ctx.log);
  const loadBefore = os.loadavg()[0]?.toFixed(2);
  const unbundled = functionFiles(root); // package.json `main`: dist/functions/*.js, as the host globs it
  const variants = { bundled: [bundle], unbundled };
  const samples: Record<keyof typeof variants, Sample[]> = { bundled: [], unbundled: [] };
  sample(variants.bundled);
  sample(variants.unbundled);
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so drift on the machine affects both alike.
    samples.bundled.push(sample(variants.bundled));
    samples.unbundled.push(sample(variants.unbundled));
  }
  const summary = (key: keyof typeof variants) => {
    const s = samples[key];
    const counts = new Set(s.map((x) => x.count));
    if (counts.size !== 1 || !counts.has(unbundled.length)) {
      throw new Error(`${key}: registered ${[...counts].join("/")} functions, expected ${unbundled.length}`);
    }
    const load = s.map((x) => x.loadMs);
    return {
      load: median(load),
      min: Math.min(...load),
      max: Math.max(...load),
      cpu: median(s.map((x) => x.cpuMs)),
      process: median(s.map((x) => x.processMs)),
      modules: s[0]?.modules ?? 0,
    };
  };
  const b = summary("bundled");
  const u = summary("unbundled");
  const bundleBytes = statSync(bundle).size;
  const mapBytes = statSync(`${bundle}.map`).size;
  const zipBytes = statSync(zip).size;
  ctx.log(
    `bundled ${fmt(b.load)} ms, unbundled ${fmt(u.load)} ms (median of ${RUNS}; CPU ${fmt(b.cpu)} / ${fmt(u.cpu)} ms)`,
  );

  const markdown = [
    `Cold-start proxy: a fresh \`node\` process installs the \`@azure/functions-core\` shim (what the worker ` +
      `injects), then requires the production entry and registers all ${unbundled.length} functions; ` +
      `\`process.hrtime\` around the require, median of ${RUNS} interleaved runs per variant after one ` +
      "unmeasured run each (warm file cache). CPU time is the child's user + system time over the same " +
      "span; the process column adds Node's own start-up. Load average during the run: " +
      `${loadBefore} before, ${os.loadavg()[0]?.toFixed(2)} after (${os.cpus().length} cores): wall times ` +
      "stretch when other work shares the machine, CPU time much less.",
    "",
    "| Entry | Modules loaded | Load + register (median) | min – max | CPU time (median) | Whole process (median) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    `| bundled \`build/dist/main.js\` | ${b.modules} | ${fmt(b.load)} ms | ${fmt(b.min)} – ${fmt(b.max)} ms | ${fmt(b.cpu)} ms | ${fmt(b.process)} ms |`,
    `| unbundled \`dist/functions/*.js\` (${unbundled.length} files) | ${u.modules} | ${fmt(u.load)} ms | ${fmt(u.min)} – ${fmt(u.max)} ms | ${fmt(u.cpu)} ms | ${fmt(u.process)} ms |`,
    "",
    `Unbundled / bundled: **${(u.load / b.load).toFixed(1)}×** slower to load and register.`,
    "",
    "| Package | Size | Target | Result |",
    "| --- | ---: | ---: | --- |",
    `| bundle \`dist/main.js\` (+ source map) | ${kib(bundleBytes)} (+ ${kib(mapBytes)}) | | |`,
    `| bundled load + register | ${fmt(b.load)} ms | < ${TARGET_MS} ms | ${verdict(b.load < TARGET_MS)} |`,
    `| \`build/scim-functions.zip\` | ${kib(zipBytes)} | < ${kib(TARGET_ZIP_BYTES)} | ${verdict(zipBytes < TARGET_ZIP_BYTES)} |`,
    "",
    "A proxy only: a real cold start adds instance allocation, the host and worker start-up and the " +
      "package mount, which this machine cannot measure; what the package controls is the part above.",
  ].join("\n");
  return { title: "Cold start: bundled vs unbundled entry", markdown };
};

// `export =` is this CommonJS module's default export: run.ts's `(await import(file)).default` is then
// the function itself (with `export default`, Node hands it `{ default: fn }` instead).
export default bench;
