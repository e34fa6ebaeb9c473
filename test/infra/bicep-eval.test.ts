import { describe, expect, it } from "vitest";
import { BicepEvaluator, DeploymentFailure, UnsupportedExpression } from "./bicep-eval.js";
import { parseBicep } from "./bicep-tree.js";

const sample = parseBicep(`
@minLength(3)
@maxLength(5)
param name string = 'abc'

@allowed([
  1
  2
])
param size int = 1

param tags object = {}

var chars = map(range(0, length(name)), i => substring(name, i, 1))
var digits = filter(chars, c => contains('0123456789', c))
var checked = !empty(digits) ? fail('name \\'\${name}\\' has digits') : name
var label = '\${take(toUpper(name), 2)}-\${size}-\${replace(name, 'b', '')}'
var tagged = union(tags, empty(name) ? {} : { owner: name })
var ends = endsWith(name, 'C') && startsWith(name, 'A') && first(name) == 'a' && last(name) == 'c'
var rg = '\${resourceGroup().location}/\${uniqueString(resourceGroup().id)}'
var safe = tags.?missing ?? 'fallback'
var unknown = environment().name
`);

describe("bicep-eval", () => {
  it("evaluates variables with parameter defaults, lambdas and string functions", () => {
    const e = new BicepEvaluator(sample);
    expect(e.variable("chars")).toEqual(["a", "b", "c"]);
    expect(e.variable("checked")).toBe("abc");
    expect(e.variable("label")).toBe("AB-1-ac");
    expect(e.variable("tagged")).toEqual({ owner: "abc" });
    expect(e.variable("safe")).toBe("fallback");
  });

  it("compares startsWith/endsWith case-insensitively, as Resource Manager does", () => {
    expect(new BicepEvaluator(sample).variable("ends")).toBe(true);
  });

  it("stubs uniqueString() and resourceGroup()", () => {
    const e = new BicepEvaluator(sample, {
      uniqueString: () => "token",
      resourceGroup: { id: "/x", name: "x", location: "westeurope" },
    });
    expect(e.variable("rg")).toBe("westeurope/token");
  });

  it("turns fail() into a DeploymentFailure carrying its message", () => {
    const e = new BicepEvaluator(sample, { params: { name: "a1c" } });
    expect(() => e.variable("checked")).toThrow(new DeploymentFailure("name 'a1c' has digits"));
  });

  it("checks given parameter values against @minLength, @maxLength and @allowed", () => {
    expect(() => new BicepEvaluator(sample, { params: { name: "ab" } })).toThrow(DeploymentFailure);
    expect(() => new BicepEvaluator(sample, { params: { name: "abcdef" } })).toThrow(/@maxLength/);
    expect(() => new BicepEvaluator(sample, { params: { size: 3 } })).toThrow(/@allowed/);
  });

  it("stands in for resource and module symbols with opaque values that interpolate as <path>", () => {
    const file = parseBicep(`
param digest string = ''
var reference = '@Microsoft.KeyVault(SecretUri=\${vault.outputs.uri}secrets/x)'
var settings = concat([{ name: 'A', value: vault.outputs.name }], empty(digest) ? [] : [{ name: 'B', value: digest }])
var written = filter(items({ b: '', a: 'x' }), e => !empty(e.value))
var count = string(40)
var name1 = guid(vault.id, 'p1')
var name1Again = guid(vault.id, 'p1')
var name2 = guid(vault.id, 'p2')
`);
    const e = new BicepEvaluator(file, { symbols: ["vault"] });
    expect(e.variable("reference")).toBe("@Microsoft.KeyVault(SecretUri=<vault.outputs.uri>secrets/x)");
    expect(e.variable("settings")).toEqual([
      { name: "A", value: { kind: "opaque", path: "vault.outputs.name" } },
    ]);
    expect(
      new BicepEvaluator(file, { symbols: ["vault"], params: { digest: "d" } }).variable("settings"),
    ).toEqual([
      { name: "A", value: { kind: "opaque", path: "vault.outputs.name" } },
      { name: "B", value: "d" },
    ]);
    expect(e.variable("written")).toEqual([{ key: "a", value: "x" }]);
    expect(e.variable("count")).toBe("40");
    expect(e.variable("name1")).toBe(e.variable("name1Again"));
    expect(e.variable("name1")).not.toBe(e.variable("name2"));
    expect(() => new BicepEvaluator(file).variable("reference")).toThrow(UnsupportedExpression);
  });

  it("refuses `a ? b : c.d`, which tree-sitter-bicep reads as `(a ? b : c).d`", () => {
    const file = parseBicep(`
var names = {
  a: 'x'
}
var wrong = true ? '' : names.a
var right = false ? names.a : ''
`);
    expect(() => new BicepEvaluator(file).variable("wrong")).toThrow(UnsupportedExpression);
    expect(new BicepEvaluator(file).variable("right")).toBe("");
  });

  it("refuses what it does not implement instead of guessing", () => {
    expect(() => new BicepEvaluator(sample).variable("unknown")).toThrow(UnsupportedExpression);
  });
});
