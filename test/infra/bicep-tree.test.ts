import { describe, expect, it } from "vitest";
import {
  callArgs,
  calleeName,
  decoratorText,
  findCalls,
  firstSyntaxProblem,
  literal,
  memberPath,
  modules,
  outputs,
  params,
  parseBicep,
  property,
  propertyValue,
  resources,
  stringParts,
  variables,
} from "./bicep-tree.js";

const sample = `
targetScope = 'resourceGroup'

// A comment between decorators and the declaration's neighbours must not confuse pairing.
@description('Required. Name.')
@minLength(3)
param name string

@secure()
@description('Optional. Secret.')
param secret string = ''

param plain int = 2

var items = loadJsonContent('../data/items.json')

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  properties: {
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    'quoted-key': 'it\\'s \\$\{not} \${name}'
    nested: {
      deeper: 42
    }
  }

  resource blobs 'blobServices' = {
    name: 'default'
  }
}

resource maybe 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(secret)) {
  name: 'x'
}

resource many 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (item, i) in items: {
  name: guid(account.id, item.id, '\${i}')
}]

resource old 'Microsoft.Web/sites@2023-12-01' existing = {
  name: 'old'
}

module child 'modules/child.bicep' = {
  name: 'child'
}

@description('Endpoint.')
output endpoint string = account.listKeys().keys[0].value

output bare string = listConnectionStrings(account.id, '2025-01-01').x
`;

describe("bicep-tree", () => {
  const file = parseBicep(sample, "sample.bicep");

  it("parses valid Bicep without problems and locates the first error", () => {
    expect(firstSyntaxProblem(file)).toBeUndefined();
    const broken = parseBicep("param a string\nresource x 'T@1' = {\n  name: \n}\n");
    const problem = firstSyntaxProblem(broken);
    expect(problem?.line).toBeGreaterThanOrEqual(2);
  });

  it("pairs params and outputs with their decorators", () => {
    const [name, secret, plain] = params(file);
    expect(name?.name).toBe("name");
    expect(decoratorText(name?.decorators ?? [], "description")).toBe("Required. Name.");
    expect(name?.decorators.map((d) => d.name)).toEqual(["description", "minLength"]);
    expect(name?.defaultValue).toBeUndefined();
    expect(secret?.decorators.map((d) => d.name)).toEqual(["secure", "description"]);
    expect(literal(secret?.defaultValue)).toBe("");
    expect(plain?.decorators).toEqual([]);
    expect(literal(plain?.defaultValue)).toBe(2);
    const [endpoint, bare] = outputs(file);
    expect(decoratorText(endpoint?.decorators ?? [], "description")).toBe("Endpoint.");
    expect(bare?.decorators).toEqual([]);
  });

  it("finds resources by type, including nested, conditional, looped and existing ones", () => {
    expect(resources(file).map((r) => r.symbol)).toEqual(["account", "blobs", "maybe", "many", "old"]);
    const [account] = resources(file, "microsoft.storage/storageaccounts");
    expect(account?.apiVersion).toBe("2025-01-01");
    const [maybe] = resources(file, "Microsoft.KeyVault/vaults/secrets");
    expect(maybe?.condition?.text).toBe("(!empty(secret))");
    expect(propertyValue(maybe?.body, "name")).toBe("x");
    const [many] = resources(file, "Microsoft.Authorization/roleAssignments");
    expect(many?.loop?.variable).toBe("item");
    expect(many?.loop?.iterable.text).toBe("items");
    expect(resources(file, "Microsoft.Web/sites")[0]?.existing).toBe(true);
    expect(modules(file).map((m) => m.path)).toEqual(["modules/child.bicep"]);
  });

  it("reads property values by key path, with escapes and interpolation", () => {
    const [account] = resources(file, "Microsoft.Storage/storageAccounts");
    expect(propertyValue(account?.body, "properties.allowSharedKeyAccess")).toBe(false);
    expect(propertyValue(account?.body, "properties.minimumTlsVersion")).toBe("TLS1_2");
    expect(propertyValue(account?.body, "properties.nested.deeper")).toBe(42);
    expect(propertyValue(account?.body, "properties.missing")).toBeUndefined();
    const quoted = property(account?.body, "properties.quoted-key");
    expect(literal(quoted)).toBeUndefined(); // interpolated
    const parts = quoted ? stringParts(quoted) : [];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    expect(parts[0]).toBe("it's ${not} ");
    expect(typeof parts[1]).toBe("object");
  });

  it("finds function calls by name in both call forms", () => {
    expect(findCalls(file.root, "listKeys")).toHaveLength(1);
    expect(findCalls(file.root, /^list[A-Z]/).map((c) => calleeName(c))).toEqual([
      "listKeys",
      "listConnectionStrings",
    ]);
    const [guid] = findCalls(file.root, "guid");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    expect(guid ? callArgs(guid).map((a) => a.text) : []).toEqual(["account.id", "item.id", "'${i}'"]);
    expect(memberPath(guid ? callArgs(guid)[0] : undefined)).toBe("account.id");
    const items = variables(file).find((v) => v.name === "items");
    expect(items && calleeName(items.value)).toBe("loadJsonContent");
  });
});
