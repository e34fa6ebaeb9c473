import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { SETTING_NAMES } from "../../shared/config.js";

const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
const section = readme.slice(
  readme.indexOf("## Configuration reference"),
  readme.indexOf("## ", readme.indexOf("## Configuration reference") + 3),
);

test.each(SETTING_NAMES)("setting %s has a row in the README's configuration reference", (name) => {
  expect(section).toMatch(new RegExp(`^\\| \`${name}\` \\|`, "m"));
});
