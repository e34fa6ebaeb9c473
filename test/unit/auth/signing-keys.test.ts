import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { deriveKey, deriveKeys, parseSigningKeys } from "../../../shared/auth/signing-keys.js";
import { ConfigError, parseConfig } from "../../../shared/config.js";

const secret = () => randomBytes(32).toString("base64url");

describe("SCIM_SIGNING_KEYS", () => {
  test("parses kid:secret pairs, base64 or base64url, the first signing", () => {
    const a = randomBytes(32);
    const parsed = parseSigningKeys(
      `new:${a.toString("base64url")}, old:${randomBytes(48).toString("base64")}`,
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.keys.map((k) => k.kid)).toEqual(["new", "old"]);
    expect(parsed.keys[0]?.secret.equals(a)).toBe(true);
  });

  test.each([
    ["", "at least one"],
    ["nokid", "kid:secret"],
    [`a:${randomBytes(16).toString("base64")}`, "at least 32 bytes"],
    [`a:${secret()},a:${secret()}`, "twice"],
    [`bad kid:${secret()}`, "kid:secret"],
  ])("refuses %j", (text, message) => {
    const parsed = parseSigningKeys(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  test("deriveKey: per purpose, from the first key; deriveKeys: every key, signing key first", () => {
    const parsed = parseSigningKeys(`k1:${secret()},k2:${secret()}`);
    if (!parsed.ok) throw new Error(parsed.message);
    const cursor = deriveKey(parsed.keys, "cursor");
    const token = deriveKey(parsed.keys, "oauth2-access-token");
    expect(cursor.kid).toBe("k1");
    expect(cursor.key).toHaveLength(32);
    expect(cursor.key.equals(token.key)).toBe(false);
    expect(cursor.key.equals(parsed.keys[0]?.secret ?? Buffer.alloc(0))).toBe(false);
    expect(deriveKey(parsed.keys, "cursor").key.equals(cursor.key)).toBe(true);
    expect(deriveKeys(parsed.keys, "cursor").map((k) => k.kid)).toEqual(["k1", "k2"]);
  });
});

describe("configuration of authentication", () => {
  const local = { COSMOS_ENDPOINT: "http://127.0.0.1:8081", COSMOS_KEY: "k" };
  const azure = { COSMOS_ENDPOINT: "https://acct.documents.azure.com:443/" };

  test("zero-config locally: no token required, a random signing key per process", () => {
    const a = parseConfig(local);
    const b = parseConfig(local);
    expect(a.tokenDigests).toEqual([]);
    expect(a.signingKeysEphemeral).toBe(true);
    expect(a.signingKeys[0]?.secret.equals(b.signingKeys[0]?.secret ?? Buffer.alloc(0))).toBe(false);
    expect(a.auth).toMatchObject({
      accessTokenSeconds: 3600,
      cacheSeconds: 30,
      entraAuthority: "https://login.microsoftonline.com",
      entraAudiences: ["8adf8e6e-67b2-4cf2-a259-e3dc5476c621"],
      federationAudience: "api://AzureADTokenExchange",
      oauthScopes: ["scim"],
    });
  });

  test("outside a local emulator the signing keys are required, and named when missing", () => {
    expect(() => parseConfig(azure)).toThrow(ConfigError);
    expect(() => parseConfig(azure)).toThrow(/SCIM_SIGNING_KEYS: is required/);
    const config = parseConfig({ ...azure, SCIM_SIGNING_KEYS: `k1:${secret()}` });
    expect(config.signingKeysEphemeral).toBe(false);
  });

  test.each([
    ["SCIM_ACCESS_TOKEN_SECONDS", "299"],
    ["SCIM_ACCESS_TOKEN_SECONDS", "21601"],
    ["SCIM_AUTH_CACHE_SECONDS", "61"],
    ["SCIM_ENTRA_AUTHORITY", "http://login.example.com"],
    ["SCIM_TENANT_ID", "_credentials"],
    ["SCIM_SIGNING_KEYS", "k:short"],
  ])("refuses %s=%s", (name, value) => {
    expect(() => parseConfig({ ...local, [name]: value })).toThrow(new RegExp(name));
  });

  test("extra Entra audiences add to Entra's own; the cache time can be 0..60 s", () => {
    const config = parseConfig({
      ...local,
      SCIM_ENTRA_AUDIENCES: "api://my-app, 11111111-2222-3333-4444-555555555555",
      SCIM_AUTH_CACHE_SECONDS: "0",
    });
    expect(config.auth.entraAudiences).toEqual([
      "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
      "api://my-app",
      "11111111-2222-3333-4444-555555555555",
    ]);
    expect(config.auth.cacheSeconds).toBe(0);
  });
});
