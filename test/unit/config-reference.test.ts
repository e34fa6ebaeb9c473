import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { parseConfig, SETTING_NAMES } from "../../shared/config.js";

const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
const section = readme.slice(
  readme.indexOf("## Configuration reference"),
  readme.indexOf("## ", readme.indexOf("## Configuration reference") + 3),
);

test.each(SETTING_NAMES)("setting %s has a row in the README's configuration reference", (name) => {
  expect(section).toMatch(new RegExp(`^\\| \`${name}\` \\|`, "m"));
});

test("a variable named like a setting that no setting reads is reported, not fatal", () => {
  const config = parseConfig({
    SCIM_TOKEN: "a-token-of-sixteen-chars",
    SCIM_MAX_BODY_BYTE: "2048",
    COSMOS_DATABSE: "scim",
    SCIM_TEST_RUN: "harness",
    PATH: "/usr/bin",
    COSMOS_ENDPOINT: "http://localhost:8081",
  });
  expect(config.unknownSettings).toEqual(["COSMOS_DATABSE", "SCIM_MAX_BODY_BYTE"]);
  expect(config.maxBodyBytes).toBe(524_288);
});

test("the variables only npm start and the operator CLI read are not reported as unknown", () => {
  const config = parseConfig({
    SCIM_TOKEN: "a-token-of-sixteen-chars",
    SCIM_LOCAL_FILE: "/tmp/scim-local.json",
    PORT: "7072",
    COSMOS_ENDPOINT: "http://localhost:8081",
  });
  expect(config.unknownSettings).toEqual([]);
});
