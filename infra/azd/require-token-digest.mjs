#!/usr/bin/env node
// azd `preprovision` hook (azure.yaml). Stops `azd up` / `azd provision` before anything is deployed when the
// azd environment has no usable SCIM_TOKEN_SHA256: the app would otherwise start without an accepted token.
// azd loads the environment's values (`azd env set ...`) into the hook's process environment.

const DIGESTS = /^[0-9a-f]{64}(,[0-9a-f]{64})*$/i;

const value = (process.env.SCIM_TOKEN_SHA256 ?? "").replace(/\s+/g, "");

if (!DIGESTS.test(value)) {
  const problem = value === "" ? "is not set" : "is not a hex SHA-256 digest (64 hex characters)";
  process.stderr.write(
    [
      `SCIM_TOKEN_SHA256 ${problem} in this azd environment.`,
      "Generate the Secret Token that Entra will send, keep it in your password manager, and give azd only its",
      "SHA-256 digest (several digests separated by commas while you rotate the token):",
      "",
      "  TOKEN=$(openssl rand -hex 32)",
      `  azd env set SCIM_TOKEN_SHA256 "$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)"`,
      "",
      "PowerShell and macOS variants: docs/deploy.md.",
      "",
    ].join("\n"),
  );
  process.exit(1);
}
