import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { bearerToken } from "../../shared/auth/authenticate.js";
import { ConfigError, localPort, parseConfig } from "../../shared/config.js";
import { createServices } from "../../shared/services.js";

/** Settings whose value could never work are refused at start-up, naming the setting. */

const local = { COSMOS_ENDPOINT: "http://127.0.0.1:8081", COSMOS_KEY: "k" };
const refused = (env: Record<string, string>, name: string) => {
  expect(() => parseConfig({ ...local, ...env })).toThrow(ConfigError);
  expect(() => parseConfig({ ...local, ...env })).toThrow(new RegExp(`^  ${name}: `, "m"));
};

describe("SCIM_TOKEN", () => {
  test.each([
    ["a space", "my secret token of words"],
    ["a tab", "secret-token-0123\t456789"],
    ["a character outside ASCII", "sécret-token-0123456789"],
  ])("with %s is refused: no bearer header could carry it", (_name, token) => {
    refused({ SCIM_TOKEN: token }, "SCIM_TOKEN");
  });

  test("any visible ASCII is kept, and is what a bearer header carries", () => {
    const token = "!tok#en$0123456789~{|}";
    expect(parseConfig({ ...local, SCIM_TOKEN: token }).tokenDigests).toHaveLength(1);
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
  });
});

describe("URLs that paths are appended to", () => {
  test.each([
    ["SCIM_BASE_URL", "localhost:7071/scim/v2"],
    ["SCIM_BASE_URL", "scim.example.com:443/scim/v2"],
    ["SCIM_BASE_URL", "mailto:scim@example.com"],
    ["SCIM_BASE_URL", "https://scim.example.com/scim/v2?tenant=a"],
    ["SCIM_BASE_URL", "https://scim.example.com/scim/v2#top"],
    ["SCIM_ENTRA_AUTHORITY", "https://login.microsoftonline.com/?x"],
    ["COSMOS_ENDPOINT", "acct.documents.azure.com:443/"],
  ])("%s=%s is refused", (name, value) => {
    refused({ [name]: value }, name);
  });

  test("http and https URLs are kept", () => {
    const config = parseConfig({ ...local, SCIM_BASE_URL: "https://scim.example.com/scim/v2/" });
    expect(config.baseUrl).toBe("https://scim.example.com/scim/v2");
    expect(parseConfig({ ...local, SCIM_BASE_URL: "http://localhost:7071/scim/v2" }).baseUrl).toBe(
      "http://localhost:7071/scim/v2",
    );
  });
});

describe("SCIM_OAUTH_SCOPES", () => {
  test.each([",", " ", 'scim "admin"', "scim a\\b"])("%j is refused", (value) => {
    refused({ SCIM_OAUTH_SCOPES: value }, "SCIM_OAUTH_SCOPES(\\.\\d+)?");
  });

  test("scopes separated by spaces or commas are kept; unset is scim", () => {
    expect(parseConfig({ ...local, SCIM_OAUTH_SCOPES: "scim, read write" }).auth.oauthScopes).toEqual([
      "scim",
      "read",
      "write",
    ]);
    expect(parseConfig(local).auth.oauthScopes).toEqual(["scim"]);
  });
});

describe("SCIM_SCHEMA_EXTENSIONS and SCIM_SCHEMA_EXTENSIONS_FILE", () => {
  const extension = (attribute: Record<string, unknown>) =>
    JSON.stringify([
      {
        schema: "urn:example:custom:2.0:User",
        name: "Custom",
        resourceType: "User",
        attributes: [attribute],
      },
    ]);
  const file = (text: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), "scim-extensions-"));
    const name = path.join(dir, "extensions.json");
    writeFileSync(name, text);
    return name;
  };

  test("both set is refused: one of them would be silently ignored", () => {
    refused(
      {
        SCIM_SCHEMA_EXTENSIONS: extension({ name: "costCode" }),
        SCIM_SCHEMA_EXTENSIONS_FILE: file(extension({ name: "badge" })),
      },
      "SCIM_SCHEMA_EXTENSIONS_FILE",
    );
  });

  test("a blank SCIM_SCHEMA_EXTENSIONS (an empty app setting) leaves the file in charge", () => {
    const config = parseConfig({
      ...local,
      SCIM_SCHEMA_EXTENSIONS: "  ",
      SCIM_SCHEMA_EXTENSIONS_FILE: file(extension({ name: "badge" })),
    });
    expect(config.schemaExtensions).toEqual({
      text: extension({ name: "badge" }),
      source: "SCIM_SCHEMA_EXTENSIONS_FILE",
    });
  });

  test("a bad definition is reported under the setting it came from", async () => {
    const bad = extension({ name: "badge", type: "strin" });
    const env = { ...local, COSMOS_CREATE_CONTAINERS: "false" };
    await expect(createServices({ ...env, SCIM_SCHEMA_EXTENSIONS_FILE: file(bad) })).rejects.toThrow(
      /^SCIM_SCHEMA_EXTENSIONS_FILE is invalid:\n- entry 0 \(urn:example:custom:2.0:User\): attribute "badge": type/,
    );
    await expect(createServices({ ...env, SCIM_SCHEMA_EXTENSIONS: bad })).rejects.toThrow(
      /^SCIM_SCHEMA_EXTENSIONS is invalid:/,
    );
  });
});

describe("numeric settings", () => {
  test.each([
    ["SCIM_MAX_RESULTS", "0x10"],
    ["SCIM_MAX_RESULTS", "1e3"],
    ["SCIM_MAX_RESULTS", "16.0"],
    ["SCIM_MAX_RESULTS", " 16"],
    ["SCIM_AUTH_CACHE_SECONDS", ""],
    ["SCIM_ACCESS_TOKEN_SECONDS", "3600s"],
  ])("%s=%j is refused: only decimal digits are a number", (name, value) => {
    refused({ [name]: value }, name);
  });

  test("decimal digits are read, unset is the default", () => {
    expect(parseConfig({ ...local, SCIM_MAX_RESULTS: "16" }).maxResults).toBe(16);
    expect(parseConfig({ ...local, SCIM_MAX_RESULTS: "0500" }).maxResults).toBe(500);
    expect(parseConfig(local).maxResults).toBe(200);
    // "0" turns the cache off; only a blank value was read as 0 before, silently.
    expect(parseConfig({ ...local, SCIM_AUTH_CACHE_SECONDS: "0" }).auth.cacheSeconds).toBe(0);
  });

  test("the list page's byte budget is 16 MiB unless set, from 1 KiB to 64 MiB", () => {
    expect(parseConfig(local).maxResponseBytes).toBe(16 * 1024 * 1024);
    expect(parseConfig({ ...local, SCIM_MAX_RESPONSE_BYTES: "4096" }).maxResponseBytes).toBe(4096);
    refused({ SCIM_MAX_RESPONSE_BYTES: "1023" }, "SCIM_MAX_RESPONSE_BYTES");
    refused({ SCIM_MAX_RESPONSE_BYTES: String(64 * 1024 * 1024 + 1) }, "SCIM_MAX_RESPONSE_BYTES");
  });

  test("PORT takes 0 to 65535, in decimal digits", () => {
    expect(localPort(undefined)).toBe(7071);
    expect(localPort("0")).toBe(0);
    expect(localPort("65535")).toBe(65_535);
    for (const bad of ["0x1f90", "80.5", "", "65536", "http"]) {
      expect(() => localPort(bad)).toThrow(/^ {2}PORT: /m);
    }
  });
});
