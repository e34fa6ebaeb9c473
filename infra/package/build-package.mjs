import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { build } from "esbuild";
import { createZip } from "./zip.mjs";

/** The Functions worker injects this module at run time; it must stay a `require`. */
const WORKER_MODULE = "@azure/functions-core";
/** Input paths that must never reach the production bundle (dev-only embedded server, local host). */
const FORBIDDEN_INPUTS = ["cosmosdb-server", "shared/local"];
/**
 * Unresolvable requires esbuild leaves in place because they sit in a try/catch that tolerates their
 * absence: `debug` (under @azure/core-rest-pipeline's proxy agents) probes for `supports-color`.
 */
const OPTIONAL_REQUIRES = ["supports-color"];
export const ZIP_NAME = "scim-functions.zip";
export const MAX_ZIP_BYTES = 5 * 1024 * 1024;

/** The files under `functions/` that register functions (one `app.http` each), sorted like the host's glob. */
export function functionSources(root) {
  return readdirSync(path.join(root, "functions"))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort();
}

/** One generated entry that requires every function file, so all registrations happen from one file. */
export function entrySource(files) {
  return files.map((f) => `require(${JSON.stringify(`./functions/${f}`)});`).join("\n");
}

const isBuiltin = (id) => id.startsWith("node:") || builtinModules.includes(id.split("/")[0] ?? id);

function filesUnder(dir, prefix = "") {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Builds the deployable folder `outDir` (host.json, a dependency-free package.json whose `main` is
 * `dist/main.js`, the esbuild bundle and its source map) and `outDir/scim-functions.zip` of it.
 * Throws when the bundle pulls in a forbidden input, needs a module the package does not carry,
 * or the zip is over `maxZipBytes`.
 *
 * @param {{ root: string, outDir: string, maxZipBytes?: number }} options
 */
export async function buildPackage({ root, outDir, maxZipBytes = MAX_ZIP_BYTES }) {
  const files = functionSources(root);
  if (files.length === 0) throw new Error(`No function files under ${path.join(root, "functions")}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, "dist"), { recursive: true });
  const bundleFile = path.join(outDir, "dist", "main.js");

  const started = performance.now();
  const result = await build({
    absWorkingDir: root,
    stdin: { contents: entrySource(files), resolveDir: root, sourcefile: "functions-entry.js", loader: "js" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    sourcemap: "linked",
    // Mappings alone are enough for stack traces (--enable-source-maps) and keep the package small.
    sourcesContent: false,
    external: [WORKER_MODULE],
    tsconfig: path.join(root, "tsconfig.json"),
    outfile: bundleFile,
    metafile: true,
    logLevel: "silent",
  });
  const buildMs = performance.now() - started;

  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = inputs.filter((p) => FORBIDDEN_INPUTS.some((f) => p.replaceAll("\\", "/").includes(f)));
  if (forbidden.length > 0) {
    throw new Error(
      `The bundle must not contain dev-only modules, but includes:\n  ${forbidden.join("\n  ")}`,
    );
  }
  const missing = files.filter((f) => !inputs.includes(`functions/${f}`));
  if (missing.length > 0) throw new Error(`Function files missing from the bundle: ${missing.join(", ")}`);
  const externals = new Set();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) if (imported.external) externals.add(imported.path);
  }
  const unshipped = [...externals].filter(
    (id) => id !== WORKER_MODULE && !isBuiltin(id) && !OPTIONAL_REQUIRES.includes(id),
  );
  if (unshipped.length > 0) {
    throw new Error(`The bundle requires modules the package does not ship: ${unshipped.join(", ")}`);
  }

  const rootPackage = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const manifest = {
    name: rootPackage.name,
    version: rootPackage.version,
    ...(rootPackage.description ? { description: rootPackage.description } : {}),
    ...(rootPackage.license ? { license: rootPackage.license } : {}),
    private: true,
    main: "dist/main.js",
    ...(rootPackage.engines ? { engines: rootPackage.engines } : {}),
  };
  writeFileSync(path.join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(path.join(root, "host.json"), path.join(outDir, "host.json"));
  // `func azure functionapp publish` run from outDir zips the folder itself: keep the zip out of it.
  writeFileSync(path.join(outDir, ".funcignore"), `${ZIP_NAME}\n.funcignore\n`);

  const zipFile = path.join(outDir, ZIP_NAME);
  const entries = filesUnder(outDir)
    .filter((name) => name !== ZIP_NAME && name !== ".funcignore")
    .map((name) => ({ name, data: readFileSync(path.join(outDir, name)) }));
  const zip = createZip(entries);
  writeFileSync(zipFile, zip);
  if (zip.length > maxZipBytes) {
    throw new Error(`${ZIP_NAME} is ${zip.length} bytes, over the ${maxZipBytes}-byte limit`);
  }

  return {
    outDir,
    bundleFile,
    bundleBytes: statSync(bundleFile).size,
    mapBytes: statSync(`${bundleFile}.map`).size,
    zipFile,
    zipBytes: zip.length,
    zipEntries: entries.map((e) => e.name),
    functionFiles: files,
    inputCount: inputs.length,
    inputBytes: Object.fromEntries(
      Object.values(result.metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs).map(([file, { bytesInOutput }]) => [file, bytesInOutput]),
      ),
    ),
    externals: [...externals].sort(),
    warnings: result.warnings.map((w) => `${w.location?.file ?? ""}: ${w.text}`),
    buildMs,
  };
}
