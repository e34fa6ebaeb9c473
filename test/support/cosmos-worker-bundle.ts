import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(__dirname, "../..");
const dir = path.join(root, "node_modules/.cache/scim-tests");

/**
 * The database thread's entry (shared/local/embedded-cosmos-worker.ts) as one script a worker
 * thread can run: `npm start` runs the compiled file, which the tests (TypeScript, unbuilt) do not
 * have. Packages stay outside the bundle, resolved from node_modules as the compiled file resolves
 * them. `crashOn`: a wrapper that throws (ending the thread) when a call's URL contains it.
 */
export async function bundledCosmosWorker(crashOn?: string): Promise<{ file: string; remove(): void }> {
  mkdirSync(dir, { recursive: true });
  const bundle = path.join(dir, `embedded-cosmos-worker-${randomUUID()}.cjs`);
  await build({
    entryPoints: [path.join(root, "shared/local/embedded-cosmos-worker.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    outfile: bundle,
    logLevel: "silent",
  });
  let file = bundle;
  if (crashOn) {
    file = bundle.replace(/\.cjs$/, "-crashing.cjs");
    writeFileSync(
      file,
      [
        'const { parentPort } = require("node:worker_threads");',
        `parentPort.on("message", (m) => { if (String(m?.url ?? "").includes(${JSON.stringify(crashOn)})) throw new Error("crashed on purpose"); });`,
        `require(${JSON.stringify(bundle)});`,
      ].join("\n"),
    );
  }
  return {
    file,
    remove: () => {
      for (const f of new Set([bundle, file])) rmSync(f, { force: true });
    },
  };
}
