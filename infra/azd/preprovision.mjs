#!/usr/bin/env node
// azd `preprovision` hook (azure.yaml). Stops `azd up` / `azd provision` before anything is deployed when the
// azd environment cannot give the app what it needs to start. azd loads the environment's values
// (`azd env set ...`) into the hook's process environment.
//
// - SCIM_SIGNING_KEYS is required: without it (or with a malformed one) the app refuses to start in Azure. The
//   rules are those of the app (shared/auth/signing-keys.ts); test/infra/azd-hook.test.ts holds both to the
//   same answers.
// - SCIM_TOKEN_SHA256 is optional (a deployment may serve only tenants registered with `npm run tenants`),
//   but when it is set it must be hex SHA-256 digests.

import { pathToFileURL } from "node:url";

const DIGESTS = /^[0-9a-f]{64}(,[0-9a-f]{64})*$/i;
const KID = /^[A-Za-z0-9._-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const MIN_SECRET_BYTES = 32;
/** `azd env set-secret` stores a Key Vault reference; azd resolves it for @secure() parameters. */
const AZD_KEY_VAULT_REFERENCE = "akvs://";

/**
 * Why `SCIM_SIGNING_KEYS` would not start the app, or undefined when it would: `kid:secret[,kid:secret...]`,
 * kid 1-32 of A-Z a-z 0-9 . _ -, each once, the secret at least 32 bytes in base64 or base64url.
 * @param {string} text
 * @returns {string | undefined}
 */
export function signingKeysProblem(text) {
  const entries = text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return "must list at least one kid:secret";
  const seen = new Set();
  for (const entry of entries) {
    const colon = entry.indexOf(":");
    const kid = colon === -1 ? "" : entry.slice(0, colon);
    const encoded = colon === -1 ? "" : entry.slice(colon + 1);
    if (!KID.test(kid)) return "each entry is kid:secret, kid being 1-32 of A-Z a-z 0-9 . _ -";
    if (seen.has(kid)) return `key id '${kid}' appears twice`;
    seen.add(kid);
    const bytes = BASE64.test(encoded) ? Buffer.from(encoded, "base64").length : 0;
    if (bytes < MIN_SECRET_BYTES)
      return `key '${kid}' must be at least ${MIN_SECRET_BYTES} bytes, base64 or base64url`;
  }
  return undefined;
}

/**
 * What the hook says about an azd environment: `errors` stop provisioning, `notes` only inform.
 * @param {Record<string, string | undefined>} env
 * @returns {{ errors: string[]; notes: string[] }}
 */
export function checkEnvironment(env) {
  const errors = [];
  const notes = [];

  const keys = (env.SCIM_SIGNING_KEYS ?? "").trim();
  if (keys === "") {
    errors.push(
      [
        "SCIM_SIGNING_KEYS is not set in this azd environment. The app signs its OAuth access tokens and",
        "pagination cursors with it and does not start in Azure without it. Generate a key once and keep it:",
        "the same value must go to every deployment (a new one invalidates every token and cursor issued).",
        "",
        '  azd env set SCIM_SIGNING_KEYS "k1:$(openssl rand -base64 32)"',
        "",
        "PowerShell, `azd env set-secret` and key rotation: docs/deploy.md.",
      ].join("\n"),
    );
  } else if (keys.startsWith(AZD_KEY_VAULT_REFERENCE)) {
    notes.push(
      "SCIM_SIGNING_KEYS is a Key Vault reference (azd env set-secret); azd resolves it when it provisions, and the app checks the value when it starts.",
    );
  } else {
    const problem = signingKeysProblem(keys);
    if (problem) {
      errors.push(
        [
          `SCIM_SIGNING_KEYS ${problem}.`,
          "It is kid:secret, several separated by commas while you rotate (the first signs, all verify):",
          "",
          '  azd env set SCIM_SIGNING_KEYS "k1:$(openssl rand -base64 32)"',
          "",
          "Rotation: docs/deploy.md.",
        ].join("\n"),
      );
    }
  }

  // Spaces around the commas only, as the app trims them (shared/config.ts): one inside a digest stops it.
  const digests = (env.SCIM_TOKEN_SHA256 ?? "")
    .split(",")
    .map((d) => d.trim())
    .join(",");
  if (digests === "") {
    notes.push(
      "SCIM_TOKEN_SHA256 is not set: no deployment-wide Secret Token. Only tenants registered with `npm run tenants` can authenticate.",
    );
  } else if (!DIGESTS.test(digests)) {
    errors.push(
      [
        "SCIM_TOKEN_SHA256 is not a hex SHA-256 digest (64 hex characters) in this azd environment.",
        "Give azd the digest of the Secret Token, never the token (several digests separated by commas while you",
        "rotate it), or unset it to serve only tenants registered with `npm run tenants`:",
        "",
        "  TOKEN=$(openssl rand -hex 32)",
        `  azd env set SCIM_TOKEN_SHA256 "$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)"`,
        "",
        "PowerShell and macOS variants: docs/deploy.md.",
      ].join("\n"),
    );
  }
  return { errors, notes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { errors, notes } = checkEnvironment(process.env);
  for (const note of notes) process.stdout.write(`${note}\n`);
  if (errors.length > 0) {
    process.stderr.write(`${errors.join("\n\n")}\n`);
    process.exit(1);
  }
}
