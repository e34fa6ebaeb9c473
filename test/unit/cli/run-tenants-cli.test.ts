import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { EXIT, runTenantsCli } from "../../../shared/cli/run-tenants-cli.js";

test("a malformed SCIM_BASE_URL is a configuration error naming it (exit 5), before any database is sought", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "scim-cli-"));
  try {
    const err: string[] = [];
    const code = await runTenantsCli(["list", "--json"], {
      env: { SCIM_BASE_URL: "scim.example.com/scim/v2", SCIM_LOCAL_FILE: path.join(dir, "none.json") },
      root: dir,
      io: { out: () => {}, err: (t) => err.push(t) },
    });
    expect(code).toBe(EXIT.noStore);
    expect(JSON.parse(err.join("\n"))).toEqual({
      error: {
        code: "config",
        message: expect.stringContaining("SCIM_BASE_URL: must be an http or https URL"),
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("help with --json is JSON on stdout, like every other command's output (exit 0, no database sought)", async () => {
  for (const argv of [
    ["help", "--json"],
    ["--json", "--help"],
  ]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTenantsCli(argv, {
      env: { SCIM_LOCAL_FILE: path.join(os.tmpdir(), "scim-cli-none.json") },
      root: os.tmpdir(),
      io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    });
    expect(code).toBe(EXIT.ok);
    expect(err).toEqual([]);
    expect(JSON.parse(out.join("\n"))).toEqual({ usage: expect.stringContaining("Usage: npm run tenants") });
  }
});
