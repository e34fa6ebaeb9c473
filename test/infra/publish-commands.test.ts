import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect, test } from "vitest";

const repoRoot = resolve(__dirname, "../..");

/** The documents a user copies deployment commands from, and the hint `npm run package` prints. */
function documents(): string[] {
  const markdownUnder = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : markdownUnder(path);
      return entry.name.endsWith(".md") ? [path] : [];
    });
  return [
    join(repoRoot, "README.md"),
    ...markdownUnder(join(repoRoot, "docs")),
    ...markdownUnder(join(repoRoot, "infra")),
    join(repoRoot, "infra/package/package.mjs"),
  ];
}

// Core Tools takes the worker runtime from a language flag or from FUNCTIONS_WORKER_RUNTIME in
// local.settings.json, which git ignores: in a fresh clone, and in build/, a publish without the flag
// stops with "Can't determine project language from files" / "Worker runtime cannot be 'None'"
// (azure-functions-core-tools, GlobalCoreToolsSettings).
// Prose that names the command without an app, and Microsoft's own command quoted with its placeholder
// <APP_NAME>, are not commands to run here.
test("every documented `func azure functionapp publish` names the language (--javascript)", () => {
  const commands = documents().flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/func azure functionapp publish +(\S+)[^\n`]*/g)]
      .filter((m) => m[1] !== "<APP_NAME>")
      .map((m) => ({ at: relative(repoRoot, file), command: m[0] })),
  );
  expect(commands.length).toBeGreaterThan(0);
  expect(commands.filter(({ command }) => !/\s--javascript\b/.test(command))).toEqual([]);
});
