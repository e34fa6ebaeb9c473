import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadInfra, rules } from "./infra-rules.js";

const repoRoot = resolve(__dirname, "../..");

describe("infra/ Bicep templates (asserted over the tree-sitter-bicep syntax tree)", () => {
  const infra = loadInfra(repoRoot);

  it("finds main.bicep and its modules", () => {
    const names = infra.files.map((f) => f.path.slice(infra.infraDir.length + 1)).sort();
    expect(names).toContain("main.bicep");
    expect(names.filter((n) => n.startsWith("modules/")).length).toBeGreaterThanOrEqual(5);
  });

  it.each(Object.entries(rules))("%s", (_name, rule) => {
    expect(rule(infra)).toEqual([]);
  });
});
