import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ConfigError, parseConfig } from "../../shared/config.js";
import { tokenEndpointUrl } from "../../shared/discovery/authentication-schemes.js";
import { BicepEvaluator, DeploymentFailure, type Value } from "./bicep-eval.js";
import {
  arrayItems,
  type BicepFile,
  callArgs,
  calleeName,
  decoratorText,
  descendants,
  findCalls,
  firstSyntaxProblem,
  listBicepFiles,
  literal,
  memberPath,
  modules,
  objectProperties,
  outputs,
  params,
  parseBicep,
  property,
  propertyValue,
  type ResourceDecl,
  resolveFrom,
  resources,
  type SyntaxNode,
  stringParts,
  variables,
  where,
} from "./bicep-tree.js";
import { parseYamlMappings, type YamlMap, yamlAt } from "./yaml-subset.js";

/**
 * The infrastructure rules, each a function from the parsed `infra/` tree to a list of violations
 * (empty = rule holds). Kept apart from the test file so tests can also run every rule against a
 * deliberately broken copy of the templates and prove that it bites.
 */

export interface Infra {
  repoRoot: string;
  infraDir: string;
  files: BicepFile[];
  main: BicepFile;
  /** Raw text of infra/main.parameters.json. */
  parametersJson: string;
  /** Raw text of shared/store/containers.json (the app's container definitions). */
  containersJson: string;
  /** Raw text of the Azure Developer CLI project file azure.yaml, if there is one. */
  azureYaml: string | undefined;
  /** Raw text of the repository root's .funcignore (azd reads it for a function service at `project: .`). */
  rootFuncignore: string | undefined;
}

/** Loads `infra/`; `overrides` maps a path relative to the repo root to replacement source text. */
export function loadInfra(repoRoot: string, overrides: Record<string, string> = {}): Infra {
  const infraDir = join(repoRoot, "infra");
  const read = (path: string): string => overrides[relative(repoRoot, path)] ?? readFileSync(path, "utf8");
  const azureYamlPath = join(repoRoot, "azure.yaml");
  const funcignorePath = join(repoRoot, ".funcignore");
  const files = listBicepFiles(infraDir).map((path) => parseBicep(read(path), path));
  const mainPath = join(infraDir, "main.bicep");
  const main = files.find((f) => f.path === mainPath);
  if (!main) throw new Error(`missing ${mainPath}`);
  return {
    repoRoot,
    infraDir,
    files,
    main,
    parametersJson: read(join(infraDir, "main.parameters.json")),
    containersJson: read(join(repoRoot, "shared/store/containers.json")),
    azureYaml:
      overrides["azure.yaml"] ??
      (existsSync(azureYamlPath) ? readFileSync(azureYamlPath, "utf8") : undefined),
    rootFuncignore:
      overrides[".funcignore"] ??
      (existsSync(funcignorePath) ? readFileSync(funcignorePath, "utf8") : undefined),
  };
}

export type Rule = (infra: Infra) => string[];

// ---------------------------------------------------------------------------------------------
// Helpers

function allResources(infra: Infra, type: string): { file: BicepFile; resource: ResourceDecl }[] {
  return infra.files.flatMap((file) => resources(file, type).map((resource) => ({ file, resource })));
}

/** Follows an identifier to the value of the same-file `var` it names (one level at a time). */
function resolveVariable(file: BicepFile, node: SyntaxNode | undefined): SyntaxNode | undefined {
  let current = node;
  for (let i = 0; i < 10 && current?.type === "identifier"; i++) {
    const name = current.text;
    const next = variables(file).find((v) => v.name === name)?.value;
    if (!next) break;
    current = next;
  }
  return current;
}

/** Expects literal `expected` at `path` in every non-existing resource of `type`, and at least one. */
function expectProperties(infra: Infra, type: string, expected: Record<string, unknown>): string[] {
  const found = allResources(infra, type).filter(({ resource }) => !resource.existing);
  if (found.length === 0) return [`no ${type} resource declared`];
  return found.flatMap(({ file, resource }) =>
    Object.entries(expected).flatMap(([path, value]) => {
      const actual = propertyValue(resource.body, path);
      return actual === value
        ? []
        : [
            `${where(file, resource.node)} ${resource.symbol}: ${path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`,
          ];
    }),
  );
}

/**
 * Whether a .funcignore (gitignore syntax) leaves out the top-level directory `name`: the last matching pattern
 * wins, `!` re-includes, a pattern without an inner slash matches at any depth, `*` and `?` stay within a segment,
 * and a leading `**\/` matches any depth.
 */
function ignoresDirectory(funcignore: string, name: string): boolean {
  let ignored = false;
  for (const raw of funcignore.split(/\r?\n/)) {
    let pattern = raw.trim();
    if (pattern === "" || pattern.startsWith("#")) continue;
    const negated = pattern.startsWith("!");
    if (negated) pattern = pattern.slice(1);
    pattern = pattern
      .replace(/\/+$/, "")
      .replace(/^\*\*\//, "")
      .replace(/^\//, "");
    if (pattern.includes("/")) continue; // names something below a directory, not the directory itself
    const glob = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]");
    if (new RegExp(`^${glob}$`).test(name)) ignored = !negated;
  }
  return ignored;
}

/** A 32-byte signing key as `kid:base64` (SCIM_SIGNING_KEYS). */
const SIGNING_KEYS = `k1:${Buffer.alloc(32, 7).toString("base64")}`;

/**
 * main.bicep parameter values for each situation the rules must hold in: a deployment with a deployment-wide
 * Secret Token, and one that serves only tenants registered with the operator CLI.
 */
export const SCENARIOS: Record<string, Record<string, Value>> = {
  "with a token digest": { scimSigningKeys: SIGNING_KEYS, scimTokenSha256: "ab".repeat(32) },
  "without a token digest": { scimSigningKeys: SIGNING_KEYS, scimTokenSha256: "" },
};

/**
 * main.bicep evaluated with `mainParams`: what it passes to each module, and an evaluator for a module's file
 * bound to those values. Module outputs and resource properties are opaque (`<keyVault.outputs.uri>`).
 */
function deployment(infra: Infra, mainParams: Record<string, Value>) {
  const symbols = (file: BicepFile) => [
    ...modules(file).map((m) => m.symbol),
    ...resources(file).map((r) => r.symbol),
  ];
  const main = new BicepEvaluator(infra.main, { params: mainParams, symbols: symbols(infra.main) });
  const deploying = (file: BicepFile) =>
    modules(infra.main).find((m) => resolveFrom(infra.main, m.path) === file.path);
  return {
    main,
    /** The module declaration that deploys `file`, and the evaluated parameter values it passes. */
    module(file: BicepFile) {
      const declaration = deploying(file);
      const passed = declaration ? property(declaration.body, "params") : undefined;
      const values = passed ? main.evaluate(passed, new Map()) : {};
      if (typeof values !== "object" || values === null || Array.isArray(values)) {
        throw new Error(`${relative(infra.repoRoot, file.path)}: module params are not an object`);
      }
      const params = values as Record<string, Value>;
      return {
        symbol: declaration?.symbol,
        params,
        evaluator: new BicepEvaluator(file, { params, symbols: symbols(file) }),
      };
    },
  };
}

/** App settings of the function app, evaluated for `mainParams`, as name -> value. */
function appSettings(
  infra: Infra,
  mainParams: Record<string, Value> = Object.values(SCENARIOS)[0] ?? {},
): { file: BicepFile; site: ResourceDecl; settings: Map<string, Value>; problem?: string }[] {
  return allResources(infra, "Microsoft.Web/sites")
    .filter(({ resource }) => !resource.existing)
    .map(({ file, resource }) => {
      const settings = new Map<string, Value>();
      try {
        const node = property(resource.body, "properties.siteConfig.appSettings");
        const list = node
          ? deployment(infra, mainParams).module(file).evaluator.evaluate(node, new Map())
          : [];
        for (const item of Array.isArray(list) ? list : []) {
          if (typeof item === "object" && item !== null && !Array.isArray(item) && "name" in item) {
            const name = item.name;
            if (typeof name === "string") settings.set(name, (item.value as Value | undefined) ?? null);
          }
        }
        return { file, site: resource, settings };
      } catch (error) {
        return {
          file,
          site: resource,
          settings,
          problem: `cannot evaluate the app settings: ${String(error)}`,
        };
      }
    });
}

/**
 * The resources of `type` that the deployment creates for `mainParams`, one per loop item whose condition
 * holds, each with a function that evaluates a property path of its body (undefined when absent).
 */
function deployedResources(
  infra: Infra,
  type: string,
  mainParams: Record<string, Value>,
): { file: BicepFile; resource: ResourceDecl; get: (path: string) => Value | undefined }[] {
  return allResources(infra, type)
    .filter(({ resource }) => !resource.existing)
    .flatMap(({ file, resource }) => {
      const { evaluator } =
        file === infra.main
          ? { evaluator: deployment(infra, mainParams).main }
          : deployment(infra, mainParams).module(file);
      const items = resource.loop ? evaluator.evaluate(resource.loop.iterable, new Map()) : [null];
      return (Array.isArray(items) ? items : []).flatMap((item) => {
        const scope = new Map<string, Value>(resource.loop ? [[resource.loop.variable, item]] : []);
        if (resource.condition && evaluator.evaluate(resource.condition, scope) !== true) return [];
        const get = (path: string) => {
          const node = property(resource.body, path);
          return node ? evaluator.evaluate(node, scope) : undefined;
        };
        return [{ file, resource, get }];
      });
    });
}

/** Key Vault secrets the deployment writes for `mainParams`, as name -> value. */
function writtenSecrets(infra: Infra, mainParams: Record<string, Value>): Map<string, Value> {
  return new Map(
    deployedResources(infra, "Microsoft.KeyVault/vaults/secrets", mainParams).map(({ get }) => [
      String(get("name")),
      get("properties.value") ?? null,
    ]),
  );
}

/** A value as text: strings as they are, opaque values as `<path>`. */
function text(value: Value | undefined): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && value.kind === "opaque") {
    return `<${String(value.path)}>`;
  }
  return JSON.stringify(value);
}

/**
 * `@Microsoft.KeyVault(SecretUri=<vault uri>secrets/<name>[/<version>])` as vault, name and version (App Service
 * Key Vault references); undefined for any other value.
 */
function keyVaultReference(value: Value | undefined) {
  if (typeof value !== "string") return undefined;
  const match = /^@Microsoft\.KeyVault\(SecretUri=(.*)secrets\/([^/)]*)(?:\/([^)]*))?\)$/i.exec(value);
  return match ? { vault: match[1] ?? "", name: match[2] ?? "", version: match[3] } : undefined;
}

/**
 * String literals that feed a role assignment's roleDefinitionId: written inline, through a `var`, or
 * (in a `[for role in roles: ...]` loop) anywhere in the array the loop iterates over.
 */
function roleLiterals(file: BicepFile, assignment: ResourceDecl): string[] {
  const role = resolveVariable(file, property(assignment.body, "properties.roleDefinitionId"));
  const source =
    role?.type === "identifier" && role.text === assignment.loop?.variable
      ? resolveVariable(file, assignment.loop.iterable)
      : role;
  return source
    ? descendants(source)
        .filter((n) => n.type === "string")
        .flatMap((n) => stringParts(n).filter((p): p is string => typeof p === "string"))
    : [];
}

/** The module declaration in main.bicep that deploys `modules/<name>.bicep`. */
function mainModule(infra: Infra, name: string) {
  return modules(infra.main).find((m) => m.path === `modules/${name}.bicep`);
}

function isSecureParam(file: BicepFile, name: string | undefined): boolean {
  return params(file).some((p) => p.name === name && p.decorators.some((d) => d.name === "secure"));
}

/**
 * Validity of each name in main.bicep's `names`, from Microsoft's "Naming rules and restrictions for Azure
 * resources" (resource-name-rules). A name the template derives without a rule here is a violation.
 */
const NAME_RULES: Record<string, { rule: string; valid: (name: string) => boolean }> = {
  storage: {
    rule: "storage account: 3-24 lower-case letters and digits",
    valid: (n) => /^[a-z0-9]{3,24}$/.test(n),
  },
  keyVault: {
    rule: "key vault: 3-24 letters, digits and hyphens, starts with a letter, ends with a letter or digit, no consecutive hyphens",
    valid: (n) => /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(n) && !n.includes("--"),
  },
  cosmos: {
    rule: "Cosmos DB account: 3-44 lower-case letters, digits and hyphens, starts with a lower-case letter or digit",
    valid: (n) => /^[a-z0-9][a-z0-9-]{2,43}$/.test(n),
  },
  identity: {
    rule: "user-assigned identity: 3-128 letters, digits, hyphens and underscores, starts with a letter or digit",
    valid: (n) => /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/.test(n),
  },
  logAnalytics: {
    rule: "Log Analytics workspace: 4-63 letters, digits and hyphens, starts and ends with a letter or digit",
    valid: (n) => /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/.test(n),
  },
  appInsights: {
    rule: "Application Insights: 1-260 characters, none of %&\\?/ or control characters, not ending with a space or period",
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is about control characters
    valid: (n) => /^[^%&\\?/\u0000-\u001f]{1,260}$/.test(n) && !/[ .]$/.test(n),
  },
  plan: {
    rule: "App Service plan: 1-60 letters, digits and hyphens",
    valid: (n) => /^[a-zA-Z0-9-]{1,60}$/.test(n),
  },
  functionApp: {
    rule: "function app: 2-60 letters, digits and hyphens, not starting or ending with a hyphen",
    valid: (n) => /^[a-zA-Z0-9][a-zA-Z0-9-]{0,58}[a-zA-Z0-9]$/.test(n),
  },
};

/** baseName as the parameter description and the deploy guide state it. */
const DOCUMENTED_BASE_NAME = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,11}$/;

/** The baseName values the naming rule tries: edge cases, then a fixed pseudo-random sample. */
function baseNameCandidates(): string[] {
  const fixed = [
    "scim",
    "abc",
    "a1b",
    "my-scim",
    "scim-prod-01",
    "abcdefghijkl",
    "a-b-c-d-e-f",
    "ab",
    "abcdefghijklm",
    "abcdefghijklmnopqrst",
    "Scim",
    "SCIM",
    "1scim",
    "-scim",
    "scim-",
    "sc--im",
    "scim_1",
    "scim.1",
    "sc im",
    "sčim",
  ];
  const alphabet = "abcxyz0189-_A.";
  let seed = 12;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const random = Array.from({ length: 400 }, () =>
    Array.from({ length: 1 + next(16) }, () => alphabet[next(alphabet.length)]).join(""),
  );
  return [...new Set([...fixed, ...random])];
}

// ---------------------------------------------------------------------------------------------
// Rules

export const rules = {
  "every .bicep file parses without ERROR or MISSING nodes": (infra) =>
    infra.files.flatMap((file) => {
      const problem = firstSyntaxProblem(file);
      return problem
        ? [
            `${relative(infra.repoRoot, file.path)}:${problem.line}:${problem.column} ${problem.kind} ${JSON.stringify(problem.text)}`,
          ]
        : [];
    }),

  "every module path resolves to a .bicep file under infra/": (infra) =>
    infra.files.flatMap((file) =>
      modules(file).flatMap((m) => {
        const target = resolveFrom(file, m.path);
        return infra.files.some((f) => f.path === target)
          ? []
          : [`${where(file, m.node)} module ${m.symbol}: ${m.path} not found`];
      }),
    ),

  "no list*() call (listKeys, listConnectionStrings, ...) anywhere": (infra) =>
    infra.files.flatMap((file) =>
      findCalls(file.root, /^list[A-Z]/).map((call) => `${where(file, call)} calls ${calleeName(call)}()`),
    ),

  "no key-bearing connection string in any string literal": (infra) =>
    infra.files.flatMap((file) =>
      descendants(file.root)
        .filter((n) => n.type === "string")
        .filter((n) =>
          stringParts(n).some(
            (p) =>
              typeof p === "string" && /AccountKey=|SharedAccessSignature=|sig=|AccountEndpoint=/i.test(p),
          ),
        )
        .map((n) => `${where(file, n)} string looks like a key-bearing connection string`),
    ),

  "app settings carry no keys or connection strings except the (non-secret) App Insights one": (infra) =>
    Object.values(SCENARIOS).flatMap((scenario) =>
      appSettings(infra, scenario).flatMap(({ file, site, settings, problem }) => [
        ...(problem ? [`${where(file, site.node)} ${problem}`] : []),
        ...[...settings.keys()]
          .filter((name) => /CONNECTION_?STRING|_KEY$|^AzureWebJobsStorage$|PASSWORD|SAS/i.test(name))
          .filter((name) => name !== "APPLICATIONINSIGHTS_CONNECTION_STRING")
          .map((name) => `${where(file, site.node)} app setting ${name}`),
      ]),
    ),

  "Cosmos DB: serverless, local auth and key metadata writes disabled, TLS 1.2": (infra) => {
    const violations = expectProperties(infra, "Microsoft.DocumentDB/databaseAccounts", {
      "properties.disableLocalAuth": true,
      "properties.disableKeyBasedMetadataWriteAccess": true,
      "properties.minimalTlsVersion": "Tls12",
    });
    for (const { file, resource } of allResources(infra, "Microsoft.DocumentDB/databaseAccounts")) {
      const capabilities = arrayItems(property(resource.body, "properties.capabilities"));
      if (!capabilities.some((c) => propertyValue(c, "name") === "EnableServerless")) {
        violations.push(`${where(file, resource.node)} ${resource.symbol}: no EnableServerless capability`);
      }
    }
    return violations;
  },

  // docs/storage.md, Consistency: Session by default; Strong when the operator asks for exact copies.
  "Cosmos DB: Session consistency, or Strong when cosmosConsistencyLevel asks for it": (infra) => {
    const base = Object.values(SCENARIOS)[0] ?? {};
    const cases: [string, Record<string, Value>, string][] = [
      ["by default", base, "Session"],
      ["with cosmosConsistencyLevel Strong", { ...base, cosmosConsistencyLevel: "Strong" }, "Strong"],
    ];
    return cases.flatMap(([label, mainParams, expected]) =>
      deployedResources(infra, "Microsoft.DocumentDB/databaseAccounts", mainParams).flatMap(
        ({ file, resource, get }) => {
          const level = get("properties.consistencyPolicy.defaultConsistencyLevel");
          return level === expected
            ? []
            : [
                `${where(file, resource.node)} ${resource.symbol}: ${label}, defaultConsistencyLevel is ${JSON.stringify(level)}, expected ${expected}`,
              ];
        },
      ),
    );
  },

  "storage: no shared keys, TLS 1.2, HTTPS only, no public blobs": (infra) =>
    expectProperties(infra, "Microsoft.Storage/storageAccounts", {
      "properties.allowSharedKeyAccess": false,
      "properties.minimumTlsVersion": "TLS1_2",
      "properties.supportsHttpsTrafficOnly": true,
      "properties.allowBlobPublicAccess": false,
    }),

  "Flex Consumption plan (FC1, Linux)": (infra) =>
    expectProperties(infra, "Microsoft.Web/serverfarms", {
      "sku.name": "FC1",
      "sku.tier": "FlexConsumption",
      "properties.reserved": true,
    }),

  "function app: HTTPS only, TLS 1.2, Node 22 on Flex, user-assigned identity": (infra) => {
    const violations = expectProperties(infra, "Microsoft.Web/sites", {
      kind: "functionapp,linux",
      "identity.type": "UserAssigned",
      "properties.httpsOnly": true,
      "properties.siteConfig.minTlsVersion": "1.2",
      "properties.functionAppConfig.runtime.name": "node",
      "properties.functionAppConfig.runtime.version": "22",
      "properties.functionAppConfig.deployment.storage.type": "blobContainer",
      "properties.functionAppConfig.deployment.storage.authentication.type": "UserAssignedIdentity",
    });
    for (const { file, resource } of allResources(infra, "Microsoft.Web/sites")) {
      const scale = property(resource.body, "properties.functionAppConfig.scaleAndConcurrency");
      for (const key of ["maximumInstanceCount", "instanceMemoryMB"]) {
        if (!property(scale, key))
          violations.push(`${where(file, resource.node)} scaleAndConcurrency.${key} missing`);
      }
      // alwaysReady must be `<count> > 0 ? [{ name: 'http', instanceCount: <count> }] : []`.
      const alwaysReady = property(scale, "alwaysReady");
      const [test, whenTrue, whenFalse] =
        alwaysReady?.type === "ternary_expression" ? alwaysReady.namedChildren : [];
      const item = arrayItems(whenTrue)[0];
      const guarded =
        test?.type === "binary_expression" &&
        /^\s*\w+\s*>\s*0\s*$/.test(test.text) &&
        propertyValue(item, "name") === "http" &&
        property(item, "instanceCount")?.text === test.namedChildren[0]?.text &&
        arrayItems(whenFalse).length === 0 &&
        whenFalse?.type === "array";
      if (!guarded)
        violations.push(
          `${where(file, resource.node)} alwaysReady is not applied only when the count is > 0`,
        );
      if (!property(resource.body, "properties.keyVaultReferenceIdentity")) {
        violations.push(`${where(file, resource.node)} keyVaultReferenceIdentity missing`);
      }
    }
    return violations;
  },

  "Flex Consumption app: siteConfig holds only appSettings and minTlsVersion (Flex rejects ftpsState and other unused site properties)":
    (infra) =>
      allResources(infra, "Microsoft.Web/sites")
        .filter(({ resource }) => !resource.existing)
        .flatMap(({ file, resource }) =>
          objectProperties(property(resource.body, "properties.siteConfig"))
            .filter((p) => p.key !== "appSettings" && p.key !== "minTlsVersion")
            .map(
              (p) =>
                `${where(file, p.node)} siteConfig.${p.key}: not set by Microsoft's Flex Consumption samples (ARM answers "site configuration properties ... for Flex Consumption sites is invalid" for ftpsState)`,
            ),
        ),

  "maximumInstanceCount accepts Flex Consumption's whole range, 1 to 1000 (Microsoft's lowest and highest maximum), in every template that declares it":
    (infra) => {
      const declared = infra.files.flatMap((file) =>
        params(file)
          .filter((p) => p.name === "maximumInstanceCount")
          .map((p) => ({ file, p })),
      );
      if (declared.length === 0) return ["no maximumInstanceCount parameter"];
      return declared.flatMap(({ file, p }) => {
        const at = `${where(file, p.node)} param maximumInstanceCount`;
        const violations: string[] = [];
        const bound = (name: string) => literal(p.decorators.find((d) => d.name === name)?.args[0]);
        const min = bound("minValue");
        const max = bound("maxValue");
        if (min !== 1) violations.push(`${at}: @minValue is ${String(min)}, not 1`);
        if (max !== 1000) violations.push(`${at}: @maxValue is ${String(max)}, not 1000`);
        const fallback = p.defaultValue ? literal(p.defaultValue) : undefined;
        if (p.defaultValue && (typeof fallback !== "number" || fallback < 1 || fallback > 1000))
          violations.push(`${at}: default ${p.defaultValue.text} is outside 1-1000`);
        return violations;
      });
    },

  "function app settings: identity-based storage, AAD telemetry, signing keys from Key Vault, no runtime settings":
    (infra) =>
      appSettings(infra).flatMap(({ file, site, settings, problem }) => {
        const at = where(file, site.node);
        if (problem) return [`${at} ${problem}`];
        const violations: string[] = [];
        const required = [
          "AzureWebJobsStorage__accountName",
          "AzureWebJobsStorage__credential",
          "AzureWebJobsStorage__clientId",
          "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
          "AZURE_CLIENT_ID",
          "COSMOS_ENDPOINT",
          "COSMOS_DATABASE",
          "SCIM_TENANT_ID",
          "SCIM_SIGNING_KEYS",
        ];
        for (const name of required)
          if (!settings.has(name)) violations.push(`${at} app setting ${name} missing`);
        for (const name of [
          "FUNCTIONS_EXTENSION_VERSION",
          "FUNCTIONS_WORKER_RUNTIME",
          "SCIM_TOKEN",
          "COSMOS_KEY",
        ]) {
          if (settings.has(name))
            violations.push(`${at} app setting ${name} must not be set on Flex / in Azure`);
        }
        if (settings.get("AzureWebJobsStorage__credential") !== "managedidentity") {
          violations.push(`${at} AzureWebJobsStorage__credential is not managedidentity`);
        }
        // Module outputs evaluate as <path>: the client id is whatever the identity module outputs.
        const auth = settings.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        if (typeof auth !== "string" || !/^ClientId=<[^>]+>;Authorization=AAD$/.test(auth)) {
          violations.push(
            `${at} APPLICATIONINSIGHTS_AUTHENTICATION_STRING is not ClientId=<id>;Authorization=AAD`,
          );
        }
        if (!keyVaultReference(settings.get("SCIM_SIGNING_KEYS"))) {
          violations.push(`${at} SCIM_SIGNING_KEYS is not a Key Vault reference`);
        }
        return violations;
      }),

  "authentication settings: each main.bicep parameter reaches its app setting, an empty string leaves it out, and a number parameter accepts exactly what the app accepts":
    (infra) => {
      // main.bicep parameter -> app setting (shared/config.ts), with a non-default value to deploy.
      const mapped: Record<string, [setting: string, sample: Value]> = {
        scimAccessTokenSeconds: ["SCIM_ACCESS_TOKEN_SECONDS", 900],
        scimAuthCacheSeconds: ["SCIM_AUTH_CACHE_SECONDS", 0],
        scimEntraAudiences: ["SCIM_ENTRA_AUDIENCES", "11111111-2222-3333-4444-555555555555"],
        scimFederationAudience: ["SCIM_FEDERATION_AUDIENCE", "api://example"],
        scimOAuthScopes: ["SCIM_OAUTH_SCOPES", "scim read"],
      };
      const [base = {}] = Object.values(SCENARIOS);
      const declared = new Map(params(infra.main).map((p) => [p.name, p]));
      const violations: string[] = [];
      const samples = Object.fromEntries(Object.entries(mapped).map(([name, [, sample]]) => [name, sample]));
      const [given] = appSettings(infra, { ...base, ...samples });
      const [defaults] = appSettings(infra, base);
      if (!given || !defaults) return ["no function app"];
      for (const { problem } of [given, defaults]) if (problem) violations.push(problem);
      const accepts = (setting: string, value: string) => {
        try {
          parseConfig({ COSMOS_ENDPOINT: "http://localhost:8081", [setting]: value });
          return true;
        } catch (error) {
          if (error instanceof ConfigError) return false;
          throw error;
        }
      };
      for (const [name, [setting, sample]] of Object.entries(mapped)) {
        const param = declared.get(name);
        if (!param?.defaultValue) {
          violations.push(`main.bicep has no optional parameter ${name}`);
          continue;
        }
        if (given.settings.get(setting) !== String(sample)) {
          violations.push(
            `${name} = ${JSON.stringify(sample)} does not give ${setting} = '${String(sample)}'`,
          );
        }
        const fallback = literal(param.defaultValue);
        if (fallback === "" && defaults.settings.has(setting)) {
          violations.push(`${setting} is set although ${name} is empty`);
        }
        if (typeof fallback === "number") {
          if (defaults.settings.get(setting) !== String(fallback)) {
            violations.push(`${setting} is not ${name}'s default ${fallback}`);
          }
          const bound = (decorator: string) =>
            literal(param.decorators.find((d) => d.name === decorator)?.args[0]);
          const [min, max] = [bound("minValue"), bound("maxValue")];
          if (typeof min !== "number" || typeof max !== "number") {
            violations.push(`${name} has no @minValue and @maxValue`);
            continue;
          }
          for (const [value, expected] of [
            [min, true],
            [max, true],
            [fallback, true],
            [min - 1, false],
            [max + 1, false],
          ] as const) {
            if (accepts(setting, String(value)) !== expected) {
              violations.push(
                `${name} ${expected ? "accepts" : "refuses"} ${value} (@minValue ${min}, @maxValue ${max}), but the app ${expected ? "refuses" : "accepts"} ${setting}=${value}`,
              );
            }
          }
        }
      }
      return violations;
    },

  "every Key Vault reference in the app settings is versionless and names a secret that the deployment writes, with a value, to the vault the app reads (a reference to a missing secret stays literal text and stops the app)":
    (infra) => {
      const vaultModule = mainModule(infra, "keyvault")?.symbol;
      if (!vaultModule) return ["main.bicep deploys no modules/keyvault.bicep"];
      return Object.entries(SCENARIOS).flatMap(([scenario, values]) => {
        const written = writtenSecrets(infra, values);
        return appSettings(infra, values).flatMap(({ file, site, settings, problem }) => {
          const at = `${where(file, site.node)} ${scenario}:`;
          if (problem) return [`${at} ${problem}`];
          return [...settings].flatMap(([name, value]) => {
            const reference = keyVaultReference(value);
            if (!reference) return [];
            const violations: string[] = [];
            if (reference.vault !== `<${vaultModule}.outputs.uri>`) {
              violations.push(
                `${at} ${name} reads ${reference.vault}, not the vault URI the keyvault module outputs`,
              );
            }
            if (reference.version !== undefined) violations.push(`${at} ${name} names a secret version`);
            const stored = written.get(reference.name);
            if (typeof stored !== "string" || stored === "") {
              violations.push(
                `${at} ${name} reads secret '${reference.name}', which the deployment does not write`,
              );
            }
            return violations;
          });
        });
      });
    },

  "SCIM_SIGNING_KEYS is required: a @secure() parameter without default that refuses an empty value, stored as scim-signing-keys, read through the SCIM_SIGNING_KEYS setting":
    (infra) => {
      const violations: string[] = [];
      const param = params(infra.main).find((p) => p.name === "scimSigningKeys");
      if (!param) return ["main.bicep has no scimSigningKeys parameter"];
      if (!isSecureParam(infra.main, param.name)) violations.push("scimSigningKeys is not @secure()");
      if (param.defaultValue)
        violations.push("scimSigningKeys has a default, so a deployment can leave it out");
      const [first = {}] = Object.values(SCENARIOS);
      try {
        new BicepEvaluator(infra.main, { params: { ...first, scimSigningKeys: "" } });
        violations.push("an empty scimSigningKeys is accepted (the app would not start)");
      } catch (error) {
        if (!(error instanceof DeploymentFailure)) throw error;
      }
      for (const [scenario, values] of Object.entries(SCENARIOS)) {
        if (writtenSecrets(infra, values).get("scim-signing-keys") !== values.scimSigningKeys) {
          violations.push(`${scenario}: scimSigningKeys is not written to the secret scim-signing-keys`);
        }
        for (const { settings } of appSettings(infra, values)) {
          if (keyVaultReference(settings.get("SCIM_SIGNING_KEYS"))?.name !== "scim-signing-keys") {
            violations.push(`${scenario}: SCIM_SIGNING_KEYS does not reference the secret scim-signing-keys`);
          }
        }
      }
      return violations;
    },

  "SCIM_TOKEN_SHA256 is optional: a digest is stored as scim-token-sha256 and read through SCIM_TOKEN_SHA256; without one there is neither secret nor setting":
    (infra) =>
      Object.entries(SCENARIOS).flatMap(([scenario, values]) => {
        const digest = values.scimTokenSha256;
        const stored = writtenSecrets(infra, values).get("scim-token-sha256");
        const violations: string[] = [];
        for (const { settings } of appSettings(infra, values)) {
          const reference = keyVaultReference(settings.get("SCIM_TOKEN_SHA256"));
          if (digest === "" && settings.has("SCIM_TOKEN_SHA256")) {
            violations.push(`${scenario}: SCIM_TOKEN_SHA256 is set although there is no digest`);
          }
          if (digest !== "" && reference?.name !== "scim-token-sha256") {
            violations.push(`${scenario}: SCIM_TOKEN_SHA256 does not reference the secret scim-token-sha256`);
          }
        }
        if (digest === "" && stored !== undefined)
          violations.push(`${scenario}: scim-token-sha256 is written`);
        if (digest !== "" && stored !== digest) {
          violations.push(`${scenario}: the digest is not written to the secret scim-token-sha256`);
        }
        return violations;
      }),

  "basic publishing credentials (ftp and scm) are disabled, each policy with the location ARM requires": (
    infra,
  ) => {
    const policies = allResources(infra, "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
    const violations: string[] = [];
    for (const name of ["ftp", "scm"]) {
      const policy = policies.find(({ resource }) => propertyValue(resource.body, "name") === name);
      if (!policy) {
        violations.push(`no basicPublishingCredentialsPolicies '${name}'`);
        continue;
      }
      const at = `${where(policy.file, policy.resource.node)} ${name}`;
      if (propertyValue(policy.resource.body, "properties.allow") !== false) {
        violations.push(`${at}: properties.allow is not false`);
      }
      // Without it: "The parameter location has an invalid value" (Azure/bicep-types-az#1529).
      if (!property(policy.resource.body, "location")) violations.push(`${at}: no location`);
    }
    return violations;
  },

  "role assignments are named guid(scope.id, principalId, roleDefinitionId) and target a service principal": (
    infra,
  ) =>
    allResources(infra, "Microsoft.Authorization/roleAssignments").flatMap(({ file, resource }) => {
      const at = `${where(file, resource.node)} ${resource.symbol}`;
      const name = property(resource.body, "name");
      const scope = property(resource.body, "scope");
      const args = name?.type === "call_expression" && calleeName(name) === "guid" ? callArgs(name) : [];
      const violations: string[] = [];
      if (args.length !== 3) return [`${at}: name is not guid(scope.id, principalId, roleDefinitionId)`];
      if (scope?.type !== "identifier" || memberPath(args[0]) !== `${scope.text}.id`) {
        violations.push(`${at}: first guid() argument is not the scope's id`);
      }
      if (args[1]?.text !== property(resource.body, "properties.principalId")?.text) {
        violations.push(`${at}: second guid() argument is not properties.principalId`);
      }
      if (args[2]?.text !== property(resource.body, "properties.roleDefinitionId")?.text) {
        violations.push(`${at}: third guid() argument is not properties.roleDefinitionId`);
      }
      if (propertyValue(resource.body, "properties.principalType") !== "ServicePrincipal") {
        violations.push(`${at}: principalType is not ServicePrincipal`);
      }
      return violations;
    }),

  "the identity holds the needed roles on storage, Key Vault and Application Insights": (infra) => {
    const expected: [string, string, string][] = [
      [
        "Microsoft.Storage/storageAccounts",
        "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        "Storage Blob Data Owner",
      ],
      ["Microsoft.KeyVault/vaults", "4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User"],
      [
        "Microsoft.Insights/components",
        "3913510d-42f4-4e42-8a64-420c390055eb",
        "Monitoring Metrics Publisher",
      ],
    ];
    const assignments = allResources(infra, "Microsoft.Authorization/roleAssignments");
    return expected.flatMap(([scopeType, roleId, roleName]) => {
      const granted = assignments.some(({ file, resource }) => {
        const scope = property(resource.body, "scope");
        return (
          resources(file, scopeType).some((r) => r.symbol === scope?.text) &&
          roleLiterals(file, resource).includes(roleId)
        );
      });
      return granted ? [] : [`no ${roleName} (${roleId}) role assignment scoped to a ${scopeType}`];
    });
  },

  "Cosmos DB data-plane role assignment: built-in Data Contributor, guid() name": (infra) => {
    const found = allResources(infra, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
    if (found.length === 0) return ["no Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments resource"];
    return found.flatMap(({ file, resource }) => {
      const at = `${where(file, resource.node)} ${resource.symbol}`;
      const violations: string[] = [];
      const name = property(resource.body, "name");
      if (name?.type !== "call_expression" || calleeName(name) !== "guid" || callArgs(name).length !== 3) {
        violations.push(`${at}: name is not guid(scope, principalId, roleDefinitionId)`);
      }
      const role = resolveVariable(file, property(resource.body, "properties.roleDefinitionId"));
      const parts = role?.type === "string" ? stringParts(role) : [];
      const tail = parts[parts.length - 1];
      if (tail !== "/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002") {
        violations.push(`${at}: roleDefinitionId is not the built-in Data Contributor`);
      }
      if (!property(resource.body, "properties.principalId")) violations.push(`${at}: principalId missing`);
      return violations;
    });
  },

  "operators: each operatorPrincipalIds entry gets the built-in Data Contributor on the app's database, under a name made of the principal (not its place in the list); empty entries grant nothing":
    (infra) => {
      const violations: string[] = [];
      for (const file of [
        infra.main,
        ...infra.files.filter((f) => f.path.endsWith("modules/cosmos.bicep")),
      ]) {
        const param = params(file).find((p) => p.name === "operatorPrincipalIds");
        if (param?.defaultValue?.text.replace(/\s/g, "") !== "[]") {
          violations.push(
            `${relative(infra.repoRoot, file.path)}: no operatorPrincipalIds parameter defaulting to []`,
          );
        }
      }
      const [base = {}] = Object.values(SCENARIOS);
      const assignments = (ids: string[]) =>
        deployedResources(infra, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments", {
          ...base,
          operatorPrincipalIds: ids,
        }).map(({ get }) => ({
          name: text(get("name")),
          principal: text(get("properties.principalId")),
          role: text(get("properties.roleDefinitionId")),
          scope: text(get("properties.scope")),
        }));
      const none = assignments([]);
      const app = none[0];
      if (none.length !== 1 || !app)
        return [...violations, `without operators: ${none.length} assignments, not 1 (the app's)`];
      const some = assignments(["op-1", "", "op-2"]);
      const reversed = assignments(["op-2", "op-1"]);
      const principals = some.map((a) => a.principal).sort();
      if (JSON.stringify(principals) !== JSON.stringify([app.principal, "op-1", "op-2"].sort())) {
        violations.push(`operators [op-1, '', op-2] give assignments to ${JSON.stringify(principals)}`);
      }
      if (new Set(some.map((a) => a.name)).size !== some.length)
        violations.push("two assignments share a name");
      for (const a of some) {
        if (a.role !== app.role) violations.push(`${a.principal}: role ${a.role}, not the app's ${app.role}`);
        if (a.scope !== app.scope)
          violations.push(`${a.principal}: scope ${a.scope}, not the app's ${app.scope}`);
        const again = reversed.find((r) => r.principal === a.principal);
        if (a.principal !== app.principal && again?.name !== a.name) {
          violations.push(`${a.principal}: the assignment's name changes with its place in the list`);
        }
      }
      return violations;
    },

  "Key Vault: RBAC, soft delete, purge protection; secrets only from @secure() input, never written empty": (
    infra,
  ) => {
    const violations = expectProperties(infra, "Microsoft.KeyVault/vaults", {
      "properties.enableRbacAuthorization": true,
      "properties.enableSoftDelete": true,
      "properties.enablePurgeProtection": true,
    });
    const secrets = allResources(infra, "Microsoft.KeyVault/vaults/secrets");
    if (secrets.length === 0) violations.push("no Microsoft.KeyVault/vaults/secrets resource");
    for (const { file, resource } of secrets) {
      const at = `${where(file, resource.node)} ${resource.symbol}`;
      if (!resource.condition) violations.push(`${at}: secret is written even when its value is empty`);
      const value = property(resource.body, "properties.value");
      // A @secure() parameter, or `<item>.value` in a loop over items(<@secure() object parameter>).
      let secure = value?.type === "identifier" && isSecureParam(file, value.text);
      if (!secure && resource.loop && memberPath(value) === `${resource.loop.variable}.value`) {
        const source = resolveVariable(file, resource.loop.iterable);
        const [arg] =
          source?.type === "call_expression" && calleeName(source) === "items" ? callArgs(source) : [];
        secure = arg?.type === "identifier" && isSecureParam(file, arg.text);
      }
      if (!secure) violations.push(`${at}: secret value is not a @secure() parameter`);
    }
    // Every value main.bicep hands the keyvault module comes straight from a @secure() parameter.
    const passed = property(mainModule(infra, "keyvault")?.body, "params.secrets");
    for (const entry of (passed?.type === "object" ? passed.namedChildren : []).filter(
      (n) => n.type === "object_property",
    )) {
      const value = entry.namedChildren[1];
      if (value?.type !== "identifier" || !isSecureParam(infra.main, value.text)) {
        violations.push(
          `${where(infra.main, entry)} main.bicep: secret value ${value?.text} is not a @secure() parameter`,
        );
      }
    }
    return violations;
  },

  "Key Vault stays publicly reachable (not a parameter): the app resolves Key Vault references over the network and is not VNet-integrated":
    (infra) =>
      expectProperties(infra, "Microsoft.KeyVault/vaults", {
        "properties.publicNetworkAccess": "Enabled",
        "properties.networkAcls.defaultAction": "Allow",
      }),

  "baseName: every accepted value gives valid names for every resource; every other value fails the deployment with a message naming baseName":
    (infra) => {
      const violations: string[] = [];
      for (const candidate of baseNameCandidates()) {
        let names: Value;
        try {
          names = new BicepEvaluator(infra.main, { params: { baseName: candidate } }).variable("names");
        } catch (error) {
          if (!(error instanceof DeploymentFailure)) {
            violations.push(`baseName '${candidate}': cannot evaluate names: ${String(error)}`);
          } else if (!error.message.includes("baseName")) {
            violations.push(`baseName '${candidate}' is rejected with a message that does not name baseName`);
          } else if (DOCUMENTED_BASE_NAME.test(candidate)) {
            violations.push(
              `baseName '${candidate}' follows the documented rule but is rejected: ${error.message}`,
            );
          }
          continue;
        }
        if (!DOCUMENTED_BASE_NAME.test(candidate)) {
          violations.push(`baseName '${candidate}' breaks the documented rule but is accepted`);
        }
        if (typeof names !== "object" || names === null || Array.isArray(names)) {
          violations.push("main.bicep: names is not an object");
          break;
        }
        for (const [key, name] of Object.entries(names)) {
          const check = NAME_RULES[key];
          if (!check) violations.push(`names.${key}: no naming rule to check it against`);
          else if (typeof name !== "string" || !check.valid(name)) {
            violations.push(
              `baseName '${candidate}' is accepted, but names.${key} = '${String(name)}' breaks: ${check.rule}`,
            );
          }
        }
      }
      return [...new Set(violations)];
    },

  "azure.yaml: `azd up` provisions infra/ and deploys build/ (after npm run package) to the app tagged with the service name":
    (infra) => {
      if (infra.azureYaml === undefined) return ["no azure.yaml (Azure Developer CLI project)"];
      let doc: YamlMap;
      try {
        doc = parseYamlMappings(infra.azureYaml);
      } catch (error) {
        return [`azure.yaml: ${String(error)}`];
      }
      const violations: string[] = [];
      const infraPath = yamlAt(doc, "infra.path");
      if (infraPath !== undefined && infraPath !== "infra")
        violations.push("azure.yaml: infra.path is not infra");
      const services = yamlAt(doc, "services");
      const entries = services && typeof services === "object" ? Object.entries(services) : [];
      const [entry] = entries;
      if (entries.length !== 1 || !entry || typeof entry[1] !== "object") {
        return [...violations, "azure.yaml: not exactly one service"];
      }
      const [serviceName, service] = entry;
      const expected: Record<string, string> = { host: "function", project: ".", dist: "build" };
      for (const [key, value] of Object.entries(expected)) {
        if (yamlAt(service, key) !== value)
          violations.push(`azure.yaml: services.${serviceName}.${key} is not ${value}`);
      }
      if (!["js", "ts"].includes(String(yamlAt(service, "language")))) {
        violations.push(`azure.yaml: services.${serviceName}.language is not js or ts`);
      }
      // build/ is deployed as built. Left out, remoteBuild defaults to true for js and ts function apps (the
      // azure.yaml schema), and current azd decides from whether the root .funcignore excludes node_modules; with
      // `remoteBuild: false`, azd stops when it does (resolveFunctionAppRemoteBuild, service_target_functionapp.go).
      if (yamlAt(service, "remoteBuild") !== "false") {
        violations.push(
          `azure.yaml: services.${serviceName}.remoteBuild is not false (the bundle in build/ must be deployed as built, without an Oryx remote build)`,
        );
      }
      if (infra.rootFuncignore !== undefined && ignoresDirectory(infra.rootFuncignore, "node_modules")) {
        violations.push(
          ".funcignore excludes node_modules: azd refuses `remoteBuild: false` for a function service whose project's .funcignore does",
        );
      }
      for (const os of ["posix", "windows"]) {
        if (yamlAt(service, `hooks.prepackage.${os}.run`) !== "npm run package") {
          violations.push(
            `azure.yaml: services.${serviceName}.hooks.prepackage.${os} does not run npm run package`,
          );
        }
        const check = yamlAt(doc, `hooks.preprovision.${os}.run`);
        const script = typeof check === "string" ? /^node (\S+\.mjs)$/.exec(check)?.[1] : undefined;
        if (!script || !existsSync(join(infra.repoRoot, script))) {
          violations.push(`azure.yaml: hooks.preprovision.${os} does not run an existing node script`);
        }
      }
      // The app must carry azd-service-name = the service name, or `azd deploy` cannot find it.
      const site = allResources(infra, "Microsoft.Web/sites").find(({ resource }) => !resource.existing);
      const tags = site && property(site.resource.body, "tags");
      let tagged: Value = null;
      try {
        const override = property(mainModule(infra, "functionapp")?.body, "params.azdServiceName");
        const serviceParam = override
          ? new BicepEvaluator(infra.main).evaluate(override, new Map())
          : undefined;
        const evaluator = new BicepEvaluator(
          site?.file ?? infra.main,
          serviceParam === undefined ? {} : { params: { azdServiceName: serviceParam } },
        );
        const value = tags ? evaluator.evaluate(tags, new Map()) : null;
        if (value && typeof value === "object" && !Array.isArray(value) && "azd-service-name" in value) {
          tagged = value["azd-service-name"] ?? null;
        }
      } catch (error) {
        violations.push(`function app tags: cannot evaluate: ${String(error)}`);
      }
      if (tagged !== serviceName) {
        violations.push(
          `function app tag azd-service-name is ${JSON.stringify(tagged)}, not the azure.yaml service '${serviceName}'`,
        );
      }
      return violations;
    },

  "every param has @description starting Required. or Optional., matching whether it has a default": (
    infra,
  ) =>
    infra.files.flatMap((file) =>
      params(file).flatMap((p) => {
        const at = `${where(file, p.node)} param ${p.name}`;
        const description = decoratorText(p.decorators, "description");
        if (!description) return [`${at}: no @description`];
        const match = /^(Required|Optional)\. \S/.exec(description);
        if (!match) return [`${at}: @description does not start with "Required. " or "Optional. "`];
        const optional = p.defaultValue !== undefined || p.type.endsWith("?");
        if (optional !== (match[1] === "Optional"))
          return [`${at}: says ${match[1]} but ${optional ? "has" : "has no"} default`];
        return [];
      }),
    ),

  "secure parameters have no default other than '' or {}": (infra) =>
    infra.files.flatMap((file) =>
      params(file)
        .filter((p) => p.decorators.some((d) => d.name === "secure"))
        .filter(
          (p) =>
            p.defaultValue !== undefined &&
            literal(p.defaultValue) !== "" &&
            !(p.defaultValue.type === "object" && p.defaultValue.namedChildren.length === 0),
        )
        .map((p) => `${where(file, p.node)} secure param ${p.name} has a default value`),
    ),

  "every output has a @description": (infra) =>
    infra.files.flatMap((file) =>
      outputs(file)
        .filter((o) => !decoratorText(o.decorators, "description"))
        .map((o) => `${where(file, o.node)} output ${o.name}: no @description`),
    ),

  "main.bicep: location defaults to the resource group, names derive from baseName + uniqueString(resourceGroup().id)":
    (infra) => {
      const violations: string[] = [];
      const declared = params(infra.main);
      const location = declared.find((p) => p.name === "location");
      if (location?.defaultValue?.text !== "resourceGroup().location") {
        violations.push("param location does not default to resourceGroup().location");
      }
      if (!declared.some((p) => p.name === "baseName")) violations.push("no baseName parameter");
      const unique = findCalls(infra.main.root, "uniqueString");
      if (
        !unique.some(
          (call) =>
            callArgs(call)
              .map((a) => a.text)
              .join(",") === "resourceGroup().id",
        )
      ) {
        violations.push("no uniqueString(resourceGroup().id)");
      }
      return violations;
    },

  "main.bicep outputs: functionAppName, tenantUrl, tokenUrl, cosmosEndpoint, keyVaultName, managedIdentityClientId":
    (infra) => {
      const declared = outputs(infra.main);
      const violations = [
        "functionAppName",
        "tenantUrl",
        "tokenUrl",
        "cosmosEndpoint",
        "keyVaultName",
        "managedIdentityClientId",
      ]
        .filter((name) => !declared.some((o) => o.name === name))
        .map((name) => `output ${name} missing`);
      const tenantUrl = declared.find((o) => o.name === "tenantUrl")?.value;
      const parts = tenantUrl?.type === "string" ? stringParts(tenantUrl) : [];
      const host = parts[1];
      const shaped =
        parts.length === 3 &&
        parts[0] === "https://" &&
        parts[2] === "/scim/v2" &&
        typeof host !== "string" &&
        (memberPath(host) ?? "").endsWith("defaultHostName");
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
      if (tenantUrl && !shaped) violations.push("tenantUrl is not 'https://${...defaultHostName}/scim/v2'");
      // The token endpoint is where the app serves it for that Tenant URL (shared/discovery/authentication-schemes.ts).
      const tokenUrl = declared.find((o) => o.name === "tokenUrl")?.value;
      if (tenantUrl && tokenUrl) {
        const [base = {}] = Object.values(SCENARIOS);
        const { main } = deployment(infra, base);
        const [tenant, token] = [
          text(main.evaluate(tenantUrl, new Map())),
          text(main.evaluate(tokenUrl, new Map())),
        ];
        const expected = tokenEndpointUrl(tenant.replace(/[<>]/g, ""));
        if (token.replace(/[<>]/g, "") !== expected) {
          violations.push(
            `tokenUrl is ${token}, but the app serves the token endpoint of ${tenant} at ${expected}`,
          );
        }
      }
      return violations;
    },

  "Cosmos containers are generated by a loop over loadJsonContent('…/shared/store/containers.json')": (
    infra,
  ) => {
    const expectedPath = resolve(infra.repoRoot, "shared/store/containers.json");
    const found = allResources(infra, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
    if (found.length === 0) return ["no sqlDatabases/containers resource"];
    return found.flatMap(({ file, resource }) => {
      const at = `${where(file, resource.node)} ${resource.symbol}`;
      if (!resource.loop) return [`${at}: containers are not generated with a for loop`];
      const source = resolveVariable(file, resource.loop.iterable);
      if (source?.type !== "call_expression" || calleeName(source) !== "loadJsonContent") {
        return [`${at}: loop does not iterate over loadJsonContent(...)`];
      }
      const path = literal(callArgs(source)[0]);
      if (typeof path !== "string" || resolveFrom(file, path) !== expectedPath) {
        return [
          `${at}: loadJsonContent(${JSON.stringify(path)}) does not resolve to shared/store/containers.json`,
        ];
      }
      const item = resource.loop.variable;
      const copied: Record<string, string> = {
        name: `${item}.id`,
        "properties.resource.id": `${item}.id`,
        "properties.resource.partitionKey": `${item}.partitionKey`,
        "properties.resource.uniqueKeyPolicy": `${item}.uniqueKeyPolicy`,
        "properties.resource.indexingPolicy": `${item}.indexingPolicy`,
        "properties.resource.defaultTtl": `${item}.defaultTtl`,
      };
      return Object.entries(copied).flatMap(([key, from]) => {
        const value = property(resource.body, key);
        // `item.?uniqueKeyPolicy` (safe access) parses as the same member expression.
        return memberPath(value) === from ? [] : [`${at}: ${key} is not taken from ${from}`];
      });
    });
  },

  "containers.json uses only keys the Bicep loop copies (nothing silently dropped)": (infra) => {
    const definitions = JSON.parse(infra.containersJson) as Record<string, unknown>[];
    const copied = new Set(["id", "partitionKey", "uniqueKeyPolicy", "indexingPolicy", "defaultTtl"]);
    return definitions.flatMap((d) =>
      Object.keys(d)
        .filter((k) => !copied.has(k))
        .map((k) => `containers.json ${String(d.id)}: key ${k} is not deployed by infra/`),
    );
  },

  "tenants container: TTL on without a default expiry (defaultTtl -1), so client-assertion replay records expire by their own ttl and nothing else does":
    (infra) => {
      const definitions = JSON.parse(infra.containersJson) as Record<string, unknown>[];
      const tenants = definitions.find((d) => d.id === "tenants");
      if (!tenants) return ["containers.json has no tenants container"];
      // -1: on, items without a `ttl` field never expire. Absent or null: off, and `ttl` fields are ignored.
      // A positive value would expire tenant documents and credential lookups too.
      return tenants.defaultTtl === -1
        ? []
        : [`containers.json tenants: defaultTtl is ${JSON.stringify(tenants.defaultTtl)}, not -1`];
    },

  "main.parameters.json (azd): declared parameters only; a secure one only as an azd environment placeholder, never a value":
    (infra) => {
      const file = JSON.parse(infra.parametersJson) as { parameters?: Record<string, { value?: unknown }> };
      const declared = new Map(params(infra.main).map((p) => [p.name, p]));
      // azd substitutes ${NAME} from the environment; defaults (${NAME=x}) are left to Bicep.
      const placeholder = /^\$\{[A-Z][A-Z0-9_]*\}$/;
      const violations = Object.entries(file.parameters ?? {}).flatMap(([name, entry]) => {
        const param = declared.get(name);
        if (!param) return [`main.parameters.json names ${name}, which main.bicep does not declare`];
        const value = entry?.value;
        const isPlaceholder = typeof value === "string" && placeholder.test(value);
        const strings = Array.isArray(value) ? value.filter((v) => typeof v === "string") : [value];
        const partial = strings.find(
          (v) => typeof v === "string" && v.includes("${") && !placeholder.test(v),
        );
        if (partial !== undefined)
          return [`main.parameters.json ${name}: ${partial} is not a whole azd placeholder`];
        if (param.decorators.some((d) => d.name === "secure") && !isPlaceholder)
          return [`main.parameters.json sets secure parameter ${name} to a value`];
        return [];
      });
      const mapped: Record<string, string> = {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
        environmentName: "${AZURE_ENV_NAME}",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
        scimTokenSha256: "${SCIM_TOKEN_SHA256}",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
        scimSigningKeys: "${SCIM_SIGNING_KEYS}",
      };
      for (const [name, value] of Object.entries(mapped)) {
        if (file.parameters?.[name]?.value !== value)
          violations.push(`main.parameters.json ${name} is not ${value}`);
      }
      // azd substitutes the signed-in principal's object id for ${AZURE_PRINCIPAL_ID} (Azure/azure-dev,
      // BicepProvider: CurrentPrincipalId), so whoever runs `azd up` can run the operator CLI.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
      const operators = ["${AZURE_PRINCIPAL_ID}"];
      if (JSON.stringify(file.parameters?.operatorPrincipalIds?.value) !== JSON.stringify(operators)) {
        violations.push(`main.parameters.json operatorPrincipalIds is not ${JSON.stringify(operators)}`);
      }
      return violations;
    },

  "API versions are GA, and Microsoft.Web/sites supports functionAppConfig (>= 2024-04-01)": (infra) =>
    infra.files.flatMap((file) =>
      resources(file).flatMap((r) => {
        const at = `${where(file, r.node)} ${r.symbol}`;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(r.apiVersion))
          return [`${at}: API version ${r.apiVersion} is not GA`];
        if (r.type.toLowerCase().startsWith("microsoft.web/") && r.apiVersion < "2024-04-01") {
          return [`${at}: Microsoft.Web API ${r.apiVersion} predates Flex Consumption support`];
        }
        return [];
      }),
    ),
} satisfies Record<string, Rule>;
