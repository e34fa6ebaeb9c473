import { describe, expect, test } from "vitest";
import { bearerToken } from "../../shared/auth/authenticate.js";
import { ConfigError, parseConfig } from "../../shared/config.js";

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
