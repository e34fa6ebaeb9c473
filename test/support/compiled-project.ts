import { type ChildProcess, spawn, spawnSync } from "node:child_process";
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

/** A compiled entry point running in its own process (`startCompiled`). */
export interface CompiledServer {
  child: ChildProcess;
  tenantUrl: string;
  /** Its exit code, once it exits. */
  exited: Promise<number | null>;
  /** What it has written to stderr so far. */
  stderr(): string;
}

/**
 * Runs `node <file>` with `env` as its only SCIM_* and COSMOS_* settings (as on a fresh machine, none
 * from the test run) and waits for the Tenant URL it prints, as `npm start` prints it.
 */
export async function startCompiled(file: string, env: Record<string, string>): Promise<CompiledServer> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("COSMOS_") && !key.startsWith("SCIM_")),
  );
  const child = spawn(process.execPath, [file], {
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const tenantUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /Tenant URL:\s+(\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.once("exit", () => reject(new Error(`${path.basename(file)} exited: ${out}${stderr}`)));
  });
  return { child, tenantUrl, exited, stderr: () => stderr };
}
