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
