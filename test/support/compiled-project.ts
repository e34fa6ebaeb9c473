import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

export interface CompiledProject {
  /** The directory standing in for the project root: package.json and `dist/`. */
  root: string;
  /** A compiled file, by its path under `dist/` (`shared/local/start.js`). */
  dist(file: string): string;
  remove(): void;
}

/**
 * The project compiled as `npm start` compiles it (`tsc`, package.json `main`), into a directory
 * of its own: the tests run TypeScript unbuilt, but a worker thread and `node` run compiled files.
 * It sits under node_modules/.cache so that packages resolve from node_modules as from `dist/`.
 */
export function compileProject(): CompiledProject {
  const dir = path.join(root, "node_modules/.cache/scim-tests", randomUUID());
  const tsc = spawnSync(
    process.execPath,
    [
      path.join(root, "node_modules/typescript/bin/tsc"),
      "-p",
      "tsconfig.json",
      "--outDir",
      path.join(dir, "dist"),
    ],
    { cwd: root, encoding: "utf8" },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  copyFileSync(path.join(root, "package.json"), path.join(dir, "package.json"));
  return {
    root: dir,
    dist: (file) => path.join(dir, "dist", file),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Writes at `file` a worker script that runs `worker` and throws (ending the thread) when a call
 * whose URL contains `marker` reaches it.
 */
export function writeCrashingWorker(file: string, worker: string, marker: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    [
      'const { parentPort } = require("node:worker_threads");',
      `parentPort.on("message", (m) => { if (String(m?.url ?? "").includes(${JSON.stringify(marker)})) throw new Error("crashed on purpose"); });`,
      `require(${JSON.stringify(worker)});`,
    ].join("\n"),
  );
}
