import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The azd `preprovision` hook (azure.yaml) runs infra/azd/require-token-digest.mjs with the azd environment's
 * values in its process environment; a non-zero exit stops `azd up` before anything is provisioned.
 */

const script = resolve(__dirname, "../../infra/azd/require-token-digest.mjs");
const digest = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

function run(value: string | undefined): { status: number | null; stderr: string } {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (value !== undefined) env.SCIM_TOKEN_SHA256 = value;
  const result = spawnSync(process.execPath, [script], { env, encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

describe("azd preprovision hook: SCIM_TOKEN_SHA256 must hold hex SHA-256 digests", () => {
  it.each([
    ["one digest", digest("a".repeat(64))],
    ["upper-case hex (PowerShell's Get-FileHash)", digest("b".repeat(64)).toUpperCase()],
    ["two digests during a rotation", `${digest("old")},${digest("new")}`],
    ["two digests with a space", `${digest("old")}, ${digest("new")}`],
  ])("accepts %s", (_name, value) => {
    expect(run(value)).toEqual({ status: 0, stderr: "" });
  });

  it.each([
    ["an unset variable", undefined, "is not set"],
    ["an empty value", "", "is not set"],
    [
      "the token itself instead of its digest",
      "correct-horse-battery-staple-0123",
      "is not a hex SHA-256 digest",
    ],
    ["a truncated digest", digest("x").slice(0, 63), "is not a hex SHA-256 digest"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal an unsubstituted azd placeholder leaves
    ["an unsubstituted placeholder", "${SCIM_TOKEN_SHA256}", "is not a hex SHA-256 digest"],
    ["a trailing comma", `${digest("x")},`, "is not a hex SHA-256 digest"],
  ])("rejects %s, and says how to set it", (_name, value, problem) => {
    const { status, stderr } = run(value);
    expect(status).toBe(1);
    expect(stderr).toContain(problem);
    expect(stderr).toContain("azd env set SCIM_TOKEN_SHA256");
  });
});
