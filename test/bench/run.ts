import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Bench, BenchReport } from "./bench-context.js";

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

/**
 * `npm run bench`: runs every test/bench/*.bench module in turn (optionally only those whose name
 * contains argv[2]), prints the results and rewrites the README's Benchmarks section between markers.
 */
async function main() {
  const only = process.argv[2];
  const dir = __dirname;
  const root = path.resolve(dir, "../../..");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".bench.js"))
    .filter((f) => !only || f.includes(only))
    .sort();
  const reports: BenchReport[] = [];
  for (const file of files) {
    process.stdout.write(`\n== ${file}\n`);
    // Compiled to CommonJS, `export default` arrives one level deeper than `export =`: take either.
    const loaded = (await import(path.join(dir, file))) as { default: Bench | { default: Bench } };
    const bench = typeof loaded.default === "function" ? loaded.default : loaded.default.default;
    const report = await bench({ log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`${report.markdown}\n`);
    reports.push(report);
  }
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const section = [
    START,
    `_Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${machine})._`,
    ...reports.map((r) => `\n### ${r.title}\n\n${r.markdown}`),
    END,
  ].join("\n");
  const readmePath = path.join(root, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (only || from === -1 || to === -1) {
    process.stdout.write(`\n(README not updated: ${only ? "partial run" : "markers missing"})\n`);
    return;
  }
  writeFileSync(readmePath, readme.slice(0, from) + section + readme.slice(to + END.length));
  process.stdout.write("\nREADME.md benchmarks section updated.\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
