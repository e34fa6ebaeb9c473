#!/usr/bin/env node
// `npm run package`: bundles functions/*.ts into build/dist/main.js and zips build/ into
// build/scim-functions.zip for `func azure functionapp publish` or a zip deploy (see README.md here).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildPackage, MAX_ZIP_BYTES } from "./build-package.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const outDir = path.join(root, "build");
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

try {
  const result = await buildPackage({ root, outDir });
  for (const warning of result.warnings) process.stderr.write(`esbuild warning: ${warning}\n`);
  const rel = (p) => path.relative(root, p);
  process.stdout.write(
    [
      `Bundled ${result.functionFiles.length} function files (${result.inputCount} modules) in ${result.buildMs.toFixed(0)} ms`,
      `  ${rel(result.bundleFile)}      ${kib(result.bundleBytes)} (+ source map ${kib(result.mapBytes)})`,
      `  ${rel(result.zipFile)}  ${kib(result.zipBytes)} (limit ${kib(MAX_ZIP_BYTES)}): ${result.zipEntries.join(", ")}`,
      `  runtime requires: ${result.externals.join(", ")}`,
      `Publish: cd build && func azure functionapp publish <app> --javascript --no-build`,
      "",
    ].join("\n"),
  );
} catch (error) {
  process.stderr.write(`Packaging failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
