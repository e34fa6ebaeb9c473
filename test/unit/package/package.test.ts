import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { PackageResult } from "../../../infra/package/build-package.mjs";
import type { ZipEntry } from "../../../infra/package/zip.mjs";
import { functionFiles } from "../../../shared/local/function-files.js";
import { httpStreamsEnabled, installFunctionsCore } from "../../../shared/local/functions-core-shim.js";

const root = path.resolve(__dirname, "../../..");
const probe = path.join(root, "infra/package/load-probe.cjs");
const packaging = () => import("../../../infra/package/build-package.mjs");
const zipModule = () => import("../../../infra/package/zip.mjs");

interface Registered {
  name: string;
  route: string;
  methods: string[];
}
interface ProbeOutput {
  loadMs: number;
  modules: number;
  count: number;
  httpStreams: boolean;
  registrations: Registered[];
}

const byName = (a: Registered, b: Registered) => a.name.localeCompare(b.name);
const hasUnzip = spawnSync("unzip", ["-v"], { stdio: "ignore" }).status === 0;

// A temp dir outside the repository: no node_modules up the tree, so the bundle must be self-contained.
let tmp: string;
let result: PackageResult;
let shim: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "scim-package-"));
  const { buildPackage } = await packaging();
  result = await buildPackage({ root, outDir: path.join(tmp, "build") });
  // The core shim is TypeScript; give the child process a plain CommonJS copy of it.
  shim = path.join(tmp, "functions-core-shim.cjs");
  await build({
    entryPoints: [path.join(root, "shared/local/functions-core-shim.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile: shim,
    logLevel: "silent",
  });
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("production bundle", () => {
  test("loads in a fresh node process and registers every function, exactly as the unbundled files do", async () => {
    const child = spawnSync(process.execPath, [probe, shim, result.bundleFile], {
      cwd: tmp,
      encoding: "utf8",
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const bundled = JSON.parse(child.stdout) as ProbeOutput;

    // The unbundled sources through the same shim, in this process (vitest compiles the TypeScript).
    const captured = installFunctionsCore();
    const sources = functionFiles(root, "functions/*.ts");
    for (const file of sources) await import(file);
    const unbundled = captured.map(({ name, route, methods }) => ({ name, route, methods }));

    expect(unbundled).toHaveLength(sources.length);
    expect(bundled.count).toBe(sources.length);
    expect([...bundled.registrations].sort(byName)).toEqual([...unbundled].sort(byName));
    // Registered name = file name (house style), so every file is in the bundle.
    expect(bundled.registrations.map((r) => `${r.name}.ts`).sort()).toEqual(result.functionFiles);
    // One file loaded, whatever the dependency tree.
    expect(bundled.modules).toBe(1);
    // Both enable HTTP streams before the first registration (app.setup throws after start-up).
    expect(bundled.httpStreams).toBe(true);
    expect(httpStreamsEnabled()).toBe(true);
  });

  test("keeps @azure/functions-core a runtime require and leaves the dev-only server out", () => {
    const bundle = readFileSync(result.bundleFile, "utf8");
    expect(bundle).toContain('require("@azure/functions-core")');
    expect(bundle).not.toContain("cosmosdb-server");
    expect(bundle).not.toContain("@zeit/cosmosdb-query");
    expect(bundle).toMatch(/\/\/# sourceMappingURL=main\.js\.map\s*$/);
    // Besides the worker's module, only Node built-ins (and `debug`'s try/catch probe for supports-color).
    const unexpected = result.externals.filter(
      (id) =>
        !["@azure/functions-core", "supports-color"].includes(id) &&
        !builtinModules.includes(id.replace(/^node:/, "")),
    );
    expect(unexpected).toEqual([]);
  });

  test("leaves out what no code uses: zod's translated error messages (zod imported as a namespace)", () => {
    // `import { z } from "zod"` hands esbuild one object holding all of zod, locales included
    // (260 KiB of the bundle, parsed at every cold start); `import * as z` lets it drop them.
    const locales = Object.entries(result.inputBytes).filter(
      ([p, bytes]) => bytes > 0 && /zod\/v4\/locales\/(?!index\.js)/.test(p.replaceAll("\\", "/")),
    );
    expect(locales.map(([p]) => path.basename(p))).toEqual(["en.js"]);
  });

  test("refuses a bundle that reaches shared/local", async () => {
    const fake = path.join(tmp, "fake-project");
    mkdirSync(path.join(fake, "functions"), { recursive: true });
    mkdirSync(path.join(fake, "shared/local"), { recursive: true });
    writeFileSync(path.join(fake, "shared/local/dev-only.ts"), "export const devOnly = 1;\n");
    writeFileSync(
      path.join(fake, "functions/leaky.ts"),
      'import { devOnly } from "../shared/local/dev-only.js";\nexport const x = devOnly;\n',
    );
    writeFileSync(path.join(fake, "package.json"), '{"name":"fake","version":"0.0.0"}\n');
    writeFileSync(path.join(fake, "host.json"), '{"version":"2.0"}\n');
    writeFileSync(path.join(fake, "tsconfig.json"), "{}\n");
    const { buildPackage } = await packaging();
    await expect(buildPackage({ root: fake, outDir: path.join(fake, "build") })).rejects.toThrow(
      /shared\/local\/dev-only\.ts/,
    );
  });
});

describe("deployment zip", () => {
  let entries: ZipEntry[];
  beforeAll(async () => {
    const { readZip } = await zipModule();
    entries = readZip(readFileSync(result.zipFile));
  });

  test("holds host.json, a dependency-free package.json with main dist/main.js, and the bundle", () => {
    const names = entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["host.json", "package.json", "dist/main.js"]));
    expect(names).not.toContain(path.basename(result.zipFile));
    const file = (name: string) => entries.find((e) => e.name === name)?.data;
    const manifest = JSON.parse(String(file("package.json"))) as Record<string, unknown>;
    const rootManifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      name: rootManifest.name,
      version: rootManifest.version,
      main: "dist/main.js",
    });
    expect(manifest).not.toHaveProperty("dependencies");
    expect(manifest).not.toHaveProperty("devDependencies");
    // Buffer.equals: a deep toEqual over a megabyte of bytes takes seconds.
    expect(file("host.json")?.equals(readFileSync(path.join(root, "host.json")))).toBe(true);
    expect(file("dist/main.js")?.equals(readFileSync(result.bundleFile))).toBe(true);
    expect(result.zipBytes).toBeLessThan(5 * 1024 * 1024);
  });

  test.runIf(hasUnzip)("passes unzip's own integrity test", () => {
    const check = spawnSync("unzip", ["-tq", result.zipFile], { encoding: "utf8" });
    expect(check.stdout).toContain("No errors detected");
    expect(check.status).toBe(0);
  });
});

describe("zip writer", () => {
  test("round-trips stored, deflated and empty entries with their CRCs", async () => {
    const { createZip, readZip, crc32 } = await zipModule();
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926); // the CRC-32 check value
    const input: ZipEntry[] = [
      { name: "random.bin", data: randomBytes(4096) }, // incompressible: stored
      { name: "dir/text.txt", data: Buffer.from("scim ".repeat(1000)) }, // deflated
      { name: "empty", data: Buffer.alloc(0) },
    ];
    const zip = createZip(input);
    expect(readZip(zip)).toEqual(input);
    expect(createZip(input)).toEqual(zip); // deterministic
    if (hasUnzip) {
      const file = path.join(tmp, "roundtrip.zip");
      writeFileSync(file, zip);
      expect(spawnSync("unzip", ["-tq", file]).status).toBe(0);
    }
  });

  test("rejects unsafe and duplicate names", async () => {
    const { createZip } = await zipModule();
    const data = Buffer.from("x");
    expect(() => createZip([{ name: "../evil", data }])).toThrow(/Unsafe/);
    expect(() => createZip([{ name: "/abs", data }])).toThrow(/Unsafe/);
    expect(() =>
      createZip([
        { name: "a", data },
        { name: "a", data },
      ]),
    ).toThrow(/Duplicate/);
  });
});
