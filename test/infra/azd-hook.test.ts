import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkEnvironment, signingKeysProblem } from "../../infra/azd/preprovision.mjs";
import { parseSigningKeys } from "../../shared/auth/signing-keys.js";

/**
 * The azd `preprovision` hook (azure.yaml) runs infra/azd/preprovision.mjs with the azd environment's values
 * in its process environment; a non-zero exit stops `azd up` before anything is provisioned.
 */

const script = resolve(__dirname, "../../infra/azd/preprovision.mjs");
const digest = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");
const key = (kid: string, bytes = 32): string => `${kid}:${randomBytes(bytes).toString("base64")}`;
const KEYS = key("k1");

function run(env: Record<string, string | undefined>): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const processEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) processEnv[name] = value;
  const result = spawnSync(process.execPath, [script], { env: processEnv, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("azd preprovision hook: SCIM_SIGNING_KEYS is required", () => {
  it.each([
    ["one key", KEYS],
    ["two keys during a rotation", `${key("k2")},${KEYS}`],
    ["base64url without padding", `k1:${randomBytes(32).toString("base64url")}`],
    ["a Key Vault reference made by azd env set-secret", "akvs://sub/kv-name/scim-signing-keys"],
  ])("accepts %s", (_name, value) => {
    const { status, stderr } = run({ SCIM_SIGNING_KEYS: value, SCIM_TOKEN_SHA256: digest("t") });
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
  });

  it.each([
    ["an unset variable", undefined, "SCIM_SIGNING_KEYS is not set"],
    ["an empty value", "", "SCIM_SIGNING_KEYS is not set"],
    ["a secret without a key id", randomBytes(32).toString("base64"), "each entry is kid:secret"],
    ["a secret of 16 bytes", key("k1", 16), "key 'k1' must be at least 32 bytes"],
    ["a key id twice", `${key("k1")},${key("k1")}`, "key id 'k1' appears twice"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal an unsubstituted azd placeholder leaves
    ["an unsubstituted placeholder", "${SCIM_SIGNING_KEYS}", "each entry is kid:secret"],
  ])("rejects %s, and says how to set it", (_name, value, problem) => {
    const { status, stderr } = run({ SCIM_SIGNING_KEYS: value, SCIM_TOKEN_SHA256: digest("t") });
    expect(status).toBe(1);
    expect(stderr).toContain(problem);
    expect(stderr).toContain('azd env set SCIM_SIGNING_KEYS "k1:$(openssl rand -base64 32)"');
  });

  it("judges every value as the app does (shared/auth/signing-keys.ts)", () => {
    // Mostly near the boundaries: valid and repeated key ids, secrets of 28-36 bytes, stray separators.
    const kid = fc.oneof(
      { arbitrary: fc.constantFrom("k1", "k2", "a.b_c-3", "x".repeat(32), "x".repeat(33), ""), weight: 4 },
      { arbitrary: fc.stringMatching(/^[A-Za-z0-9._\-:, ]{0,34}$/), weight: 1 },
    );
    const bytes = fc.uint8Array({ minLength: 28, maxLength: 36 }).map((a) => Buffer.from(a));
    const secret = fc.oneof(
      { arbitrary: bytes.map((b) => b.toString("base64")), weight: 3 },
      { arbitrary: bytes.map((b) => b.toString("base64url")), weight: 3 },
      { arbitrary: bytes.map((b) => `${b.toString("base64")}=`), weight: 1 },
      { arbitrary: fc.stringMatching(/^[A-Za-z0-9+/_=\-:, ]{0,50}$/), weight: 1 },
    );
    const entry = fc.tuple(kid, secret).map(([k, s]) => `${k}:${s}`);
    const text = fc.oneof(
      {
        arbitrary: fc.array(entry, { minLength: 0, maxLength: 3 }).map((entries) => entries.join(",")),
        weight: 5,
      },
      {
        arbitrary: fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries) => entries.join(" , ")),
        weight: 1,
      },
      { arbitrary: fc.string({ maxLength: 60 }), weight: 1 },
    );
    fc.assert(
      fc.property(text, (value) => {
        expect(signingKeysProblem(value) === undefined).toBe(parseSigningKeys(value).ok);
      }),
      { numRuns: 2000, seed: 9 },
    );
  });
});

describe("azd preprovision hook: SCIM_TOKEN_SHA256 is optional, but hex SHA-256 digests when set", () => {
  it.each([
    ["one digest", digest("a".repeat(64))],
    ["upper-case hex (PowerShell's Get-FileHash)", digest("b".repeat(64)).toUpperCase()],
    ["two digests during a rotation", `${digest("old")},${digest("new")}`],
    ["two digests with a space", `${digest("old")}, ${digest("new")}`],
  ])("accepts %s", (_name, value) => {
    expect(run({ SCIM_SIGNING_KEYS: KEYS, SCIM_TOKEN_SHA256: value })).toEqual({
      status: 0,
      stdout: "",
      stderr: "",
    });
  });

  it.each([
    ["an unset variable", undefined],
    ["an empty value", ""],
  ])("accepts %s (tenants registered with the operator CLI only), and says so", (_name, value) => {
    const { status, stdout, stderr } = run({ SCIM_SIGNING_KEYS: KEYS, SCIM_TOKEN_SHA256: value });
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    expect(stdout).toContain("SCIM_TOKEN_SHA256 is not set: no deployment-wide Secret Token");
  });

  it.each([
    ["the token itself instead of its digest", "correct-horse-battery-staple-0123"],
    ["a truncated digest", digest("x").slice(0, 63)],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal an unsubstituted azd placeholder leaves
    ["an unsubstituted placeholder", "${SCIM_TOKEN_SHA256}"],
    ["a trailing comma", `${digest("x")},`],
    // The app trims around the commas only (shared/config.ts): a digest cut in two stops it at start-up.
    ["a digest cut by a space", `${digest("x").slice(0, 32)} ${digest("x").slice(32)}`],
    ["a digest cut over two lines", `${digest("x").slice(0, 32)}\n${digest("x").slice(32)}`],
  ])("rejects %s, and says how to set it", (_name, value) => {
    const { status, stderr } = run({ SCIM_SIGNING_KEYS: KEYS, SCIM_TOKEN_SHA256: value });
    expect(status).toBe(1);
    expect(stderr).toContain("is not a hex SHA-256 digest");
    expect(stderr).toContain("azd env set SCIM_TOKEN_SHA256");
  });

  it("reports every problem at once", () => {
    const { errors } = checkEnvironment({ SCIM_TOKEN_SHA256: "nope" });
    expect(errors).toHaveLength(2);
  });
});
