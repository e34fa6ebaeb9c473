import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadInfra, rules } from "./infra-rules.js";

/**
 * Mutation tests: each case breaks the real templates in one place (in memory) and expects the named
 * rule to report it. A rule that passes on a broken template would be a rule that cannot fail.
 */

const repoRoot = resolve(__dirname, "../..");

interface Mutation {
  rule: keyof typeof rules;
  file: string;
  from: string;
  to: string;
  /** A fragment the violation message must contain. */
  reports: string;
}

const mutations: Mutation[] = [
  {
    rule: "every .bicep file parses without ERROR or MISSING nodes",
    file: "infra/modules/storage.bicep",
    from: "    allowSharedKeyAccess: false\n",
    to: "    allowSharedKeyAccess: \n",
    reports: "infra/modules/storage.bicep:",
  },
  {
    rule: "every module path resolves to a .bicep file under infra/",
    file: "infra/main.bicep",
    from: "'modules/identity.bicep'",
    to: "'modules/identities.bicep'",
    reports: "modules/identities.bicep not found",
  },
  {
    rule: "no list*() call (listKeys, listConnectionStrings, ...) anywhere",
    file: "infra/modules/storage.bicep",
    from: "output name string = storage.name",
    to: "output name string = storage.listKeys().keys[0].value",
    reports: "calls listKeys()",
  },
  {
    rule: "no list*() call (listKeys, listConnectionStrings, ...) anywhere",
    file: "infra/modules/cosmos.bicep",
    from: "output endpoint string = account.properties.documentEndpoint",
    to: "output endpoint string = listConnectionStrings(account.id, '2025-04-15').connectionStrings[0].connectionString",
    reports: "calls listConnectionStrings()",
  },
  {
    rule: "no key-bearing connection string in any string literal",
    file: "infra/modules/functionapp.bicep",
    from: "value: 'managedidentity'",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    to: "value: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${identityClientId}'",
    reports: "key-bearing connection string",
  },
  {
    rule: "app settings carry no keys or connection strings except the (non-secret) App Insights one",
    file: "infra/modules/functionapp.bicep",
    from: "name: 'AzureWebJobsStorage__accountName'",
    to: "name: 'AzureWebJobsStorage'",
    reports: "app setting AzureWebJobsStorage",
  },
  {
    rule: "Cosmos DB: Session consistency, or Strong when cosmosConsistencyLevel asks for it",
    file: "infra/modules/cosmos.bicep",
    from: "defaultConsistencyLevel: consistencyLevel",
    to: "defaultConsistencyLevel: 'Session'",
    reports: 'with cosmosConsistencyLevel Strong, defaultConsistencyLevel is "Session"',
  },
  {
    rule: "Cosmos DB: Session consistency, or Strong when cosmosConsistencyLevel asks for it",
    file: "infra/main.bicep",
    from: "    consistencyLevel: cosmosConsistencyLevel\n",
    to: "",
    reports: "expected Strong",
  },
  {
    rule: "Cosmos DB: serverless, local auth and key metadata writes disabled, TLS 1.2",
    file: "infra/modules/cosmos.bicep",
    from: "disableLocalAuth: true",
    to: "disableLocalAuth: false",
    reports: "properties.disableLocalAuth is false",
  },
  {
    rule: "Cosmos DB: serverless, local auth and key metadata writes disabled, TLS 1.2",
    file: "infra/modules/cosmos.bicep",
    from: "name: 'EnableServerless'",
    to: "name: 'EnableNoSQLVectorSearch'",
    reports: "no EnableServerless capability",
  },
  {
    rule: "storage: no shared keys, TLS 1.2, HTTPS only, no public blobs",
    file: "infra/modules/storage.bicep",
    from: "allowSharedKeyAccess: false",
    to: "allowSharedKeyAccess: true",
    reports: "properties.allowSharedKeyAccess is true",
  },
  {
    rule: "storage: no shared keys, TLS 1.2, HTTPS only, no public blobs",
    file: "infra/modules/storage.bicep",
    from: "minimumTlsVersion: 'TLS1_2'",
    to: "minimumTlsVersion: 'TLS1_0'",
    reports: 'properties.minimumTlsVersion is "TLS1_0"',
  },
  {
    rule: "Flex Consumption plan (FC1, Linux)",
    file: "infra/modules/functionapp.bicep",
    from: "name: 'FC1'",
    to: "name: 'Y1'",
    reports: 'sku.name is "Y1"',
  },
  {
    rule: "function app: HTTPS only, TLS 1.2, Node 22 on Flex, user-assigned identity",
    file: "infra/modules/functionapp.bicep",
    from: "httpsOnly: true",
    to: "httpsOnly: false",
    reports: "properties.httpsOnly is false",
  },
  {
    rule: "function app: HTTPS only, TLS 1.2, Node 22 on Flex, user-assigned identity",
    file: "infra/modules/functionapp.bicep",
    from: "      minTlsVersion: '1.2'",
    to: "      minTlsVersion: '1.0'",
    reports: "properties.siteConfig.minTlsVersion",
  },
  {
    rule: "Flex Consumption app: siteConfig holds only appSettings and minTlsVersion (Flex rejects ftpsState and other unused site properties)",
    file: "infra/modules/functionapp.bicep",
    from: "      minTlsVersion: '1.2'\n",
    to: "      minTlsVersion: '1.2'\n      ftpsState: 'Disabled'\n",
    reports: "siteConfig.ftpsState",
  },
  {
    rule: "Flex Consumption app: siteConfig holds only appSettings and minTlsVersion (Flex rejects ftpsState and other unused site properties)",
    file: "infra/modules/functionapp.bicep",
    from: "      minTlsVersion: '1.2'\n",
    to: "      minTlsVersion: '1.2'\n      http20Enabled: true\n      remoteDebuggingEnabled: false\n      scmMinTlsVersion: '1.2'\n",
    reports: "siteConfig.scmMinTlsVersion",
  },
  {
    rule: "maximumInstanceCount accepts Flex Consumption's whole range, 1 to 1000 (Microsoft's lowest and highest maximum), in every template that declares it",
    file: "infra/main.bicep",
    from: "@minValue(1)\n@maxValue(1000)\nparam maximumInstanceCount",
    to: "@minValue(40)\n@maxValue(1000)\nparam maximumInstanceCount",
    reports: "infra/main.bicep:",
  },
  {
    rule: "maximumInstanceCount accepts Flex Consumption's whole range, 1 to 1000 (Microsoft's lowest and highest maximum), in every template that declares it",
    file: "infra/modules/functionapp.bicep",
    from: "@minValue(1)\n@maxValue(1000)\nparam maximumInstanceCount",
    to: "@minValue(1)\n@maxValue(2000)\nparam maximumInstanceCount",
    reports: "@maxValue is 2000, not 1000",
  },
  {
    rule: "maximumInstanceCount accepts Flex Consumption's whole range, 1 to 1000 (Microsoft's lowest and highest maximum), in every template that declares it",
    file: "infra/modules/functionapp.bicep",
    from: "param maximumInstanceCount int = 100",
    to: "param maximumInstanceCount int = 0",
    reports: "default 0 is outside 1-1000",
  },
  {
    rule: "function app: HTTPS only, TLS 1.2, Node 22 on Flex, user-assigned identity",
    file: "infra/modules/functionapp.bicep",
    from: "alwaysReady: alwaysReadyInstanceCount > 0 ? [",
    to: "alwaysReady: true ? [",
    reports: "alwaysReady is not applied only when the count is > 0",
  },
  {
    rule: "function app settings: identity-based storage, AAD telemetry, signing keys from Key Vault, no runtime settings",
    file: "infra/modules/functionapp.bicep",
    from: "name: 'SCIM_TENANT_ID'",
    to: "name: 'FUNCTIONS_WORKER_RUNTIME'",
    reports: "FUNCTIONS_WORKER_RUNTIME must not be set",
  },
  {
    rule: "function app settings: identity-based storage, AAD telemetry, signing keys from Key Vault, no runtime settings",
    file: "infra/modules/functionapp.bicep",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    from: "value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${signingKeysSecretName})'",
    to: "value: signingKeysSecretName",
    reports: "SCIM_SIGNING_KEYS is not a Key Vault reference",
  },
  {
    rule: "authentication settings: each main.bicep parameter reaches its app setting, an empty string leaves it out, and a number parameter accepts exactly what the app accepts",
    file: "infra/main.bicep",
    from: "      SCIM_OAUTH_SCOPES: scimOAuthScopes\n",
    to: "",
    reports: "scimOAuthScopes = \"scim read\" does not give SCIM_OAUTH_SCOPES = 'scim read'",
  },
  {
    rule: "authentication settings: each main.bicep parameter reaches its app setting, an empty string leaves it out, and a number parameter accepts exactly what the app accepts",
    file: "infra/modules/functionapp.bicep",
    from: "}), setting => !empty(setting.value))",
    to: "}), setting => true)",
    reports: "SCIM_ENTRA_AUDIENCES is set although scimEntraAudiences is empty",
  },
  {
    rule: "authentication settings: each main.bicep parameter reaches its app setting, an empty string leaves it out, and a number parameter accepts exactly what the app accepts",
    file: "infra/main.bicep",
    from: "@maxValue(21600)\nparam scimAccessTokenSeconds",
    to: "@maxValue(86400)\nparam scimAccessTokenSeconds",
    reports: "scimAccessTokenSeconds accepts 86400 (@minValue 300, @maxValue 86400), but the app refuses",
  },
  {
    rule: "authentication settings: each main.bicep parameter reaches its app setting, an empty string leaves it out, and a number parameter accepts exactly what the app accepts",
    file: "infra/main.bicep",
    from: "      SCIM_AUTH_CACHE_SECONDS: string(scimAuthCacheSeconds)\n",
    to: "      SCIM_AUTH_CACHE_SECONDS: string(scimAccessTokenSeconds)\n",
    reports: "SCIM_AUTH_CACHE_SECONDS is not scimAuthCacheSeconds's default 30",
  },
  {
    rule: "every Key Vault reference in the app settings is versionless and names a secret that the deployment writes, with a value, to the vault the app reads (a reference to a missing secret stays literal text and stops the app)",
    file: "infra/modules/functionapp.bicep",
    from: "    value: empty(tokenDigestSecretName) ? '' : '@Microsoft",
    to: "    value: '@Microsoft",
    reports: "without a token digest: SCIM_TOKEN_SHA256 reads secret '', which the deployment does not write",
  },
  {
    rule: "every Key Vault reference in the app settings is versionless and names a secret that the deployment writes, with a value, to the vault the app reads (a reference to a missing secret stays literal text and stops the app)",
    file: "infra/main.bicep",
    from: "    signingKeysSecretName: secretNames.signingKeys\n",
    to: "    signingKeysSecretName: 'scim-signing-key'\n",
    reports: "SCIM_SIGNING_KEYS reads secret 'scim-signing-key', which the deployment does not write",
  },
  {
    rule: "every Key Vault reference in the app settings is versionless and names a secret that the deployment writes, with a value, to the vault the app reads (a reference to a missing secret stays literal text and stops the app)",
    file: "infra/modules/functionapp.bicep",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    from: "secrets/${signingKeysSecretName})'",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    to: "secrets/${signingKeysSecretName}/0123456789abcdef)'",
    reports: "SCIM_SIGNING_KEYS names a secret version",
  },
  {
    rule: "every Key Vault reference in the app settings is versionless and names a secret that the deployment writes, with a value, to the vault the app reads (a reference to a missing secret stays literal text and stops the app)",
    file: "infra/main.bicep",
    from: "    keyVaultUri: keyVault.outputs.uri\n",
    to: "    keyVaultUri: 'https://kv-other.vault.azure.net/'\n",
    reports: "reads https://kv-other.vault.azure.net/, not the vault URI the keyvault module outputs",
  },
  {
    rule: "SCIM_SIGNING_KEYS is required: a @secure() parameter without default that refuses an empty value, stored as scim-signing-keys, read through the SCIM_SIGNING_KEYS setting",
    file: "infra/main.bicep",
    from: "@minLength(1)\nparam scimSigningKeys string\n",
    to: "param scimSigningKeys string\n",
    reports: "an empty scimSigningKeys is accepted",
  },
  {
    rule: "SCIM_SIGNING_KEYS is required: a @secure() parameter without default that refuses an empty value, stored as scim-signing-keys, read through the SCIM_SIGNING_KEYS setting",
    file: "infra/main.bicep",
    from: "@minLength(1)\nparam scimSigningKeys string\n",
    to: "@minLength(1)\nparam scimSigningKeys string = 'k1:aaaa'\n",
    reports: "scimSigningKeys has a default",
  },
  {
    rule: "SCIM_SIGNING_KEYS is required: a @secure() parameter without default that refuses an empty value, stored as scim-signing-keys, read through the SCIM_SIGNING_KEYS setting",
    file: "infra/main.bicep",
    from: "  signingKeys: 'scim-signing-keys'\n",
    to: "  signingKeys: 'signing-keys'\n",
    reports: "scimSigningKeys is not written to the secret scim-signing-keys",
  },
  {
    rule: "SCIM_TOKEN_SHA256 is optional: a digest is stored as scim-token-sha256 and read through SCIM_TOKEN_SHA256; without one there is neither secret nor setting",
    file: "infra/main.bicep",
    from: "    tokenDigestSecretName: !empty(scimTokenSha256) ? secretNames.tokenDigest : ''\n",
    to: "    tokenDigestSecretName: secretNames.tokenDigest\n",
    reports: "without a token digest: SCIM_TOKEN_SHA256 is set although there is no digest",
  },
  {
    rule: "SCIM_TOKEN_SHA256 is optional: a digest is stored as scim-token-sha256 and read through SCIM_TOKEN_SHA256; without one there is neither secret nor setting",
    file: "infra/main.bicep",
    from: "  tokenDigest: 'scim-token-sha256'",
    to: "  tokenDigest: 'scim-token'",
    reports: "with a token digest: the digest is not written to the secret scim-token-sha256",
  },
  {
    rule: "function app settings: identity-based storage, AAD telemetry, signing keys from Key Vault, no runtime settings",
    file: "infra/modules/functionapp.bicep",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    from: "'ClientId=${identityClientId};Authorization=AAD'",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    to: "'ClientId=${identityClientId}'",
    reports: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  },
  {
    rule: "basic publishing credentials (ftp and scm) are disabled, each policy with the location ARM requires",
    file: "infra/modules/functionapp.bicep",
    from: "  location: location\n  properties: {\n    allow: false\n  }\n}\n\n@description",
    to: "  location: location\n  properties: {\n    allow: true\n  }\n}\n\n@description",
    reports: "scm: properties.allow is not false",
  },
  {
    rule: "basic publishing credentials (ftp and scm) are disabled, each policy with the location ARM requires",
    file: "infra/modules/functionapp.bicep",
    from: "  name: 'ftp'\n  #disable-next-line BCP187\n  location: location\n",
    to: "  name: 'ftp'\n",
    reports: "ftp: no location",
  },
  {
    rule: "role assignments are named guid(scope.id, principalId, roleDefinitionId) and target a service principal",
    file: "infra/modules/storage.bicep",
    from: "name: guid(storage.id, principalId, roleDefinitionId)",
    to: "name: guid(principalId, roleDefinitionId)",
    reports: "name is not guid(scope.id, principalId, roleDefinitionId)",
  },
  {
    rule: "role assignments are named guid(scope.id, principalId, roleDefinitionId) and target a service principal",
    file: "infra/modules/keyvault.bicep",
    from: "name: guid(vault.id, principalId, secretsUserRoleId)",
    to: "name: guid(resourceGroup().id, principalId, secretsUserRoleId)",
    reports: "first guid() argument is not the scope's id",
  },
  {
    rule: "the identity holds the needed roles on storage, Key Vault and Application Insights",
    file: "infra/modules/storage.bicep",
    from: "'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'",
    to: "'2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'",
    reports: "no Storage Blob Data Owner",
  },
  {
    rule: "the identity holds the needed roles on storage, Key Vault and Application Insights",
    file: "infra/modules/keyvault.bicep",
    from: "  scope: vault\n",
    to: "  scope: resourceGroup()\n",
    reports: "no Key Vault Secrets User",
  },
  {
    rule: "Cosmos DB data-plane role assignment: built-in Data Contributor, guid() name",
    file: "infra/modules/cosmos.bicep",
    from: "/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'",
    to: "/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001'",
    reports: "roleDefinitionId is not the built-in Data Contributor",
  },
  {
    rule: "Cosmos DB data-plane role assignment: built-in Data Contributor, guid() name",
    file: "infra/modules/cosmos.bicep",
    from: "name: guid(database.id, principalId, dataContributorRoleDefinitionId)",
    to: "name: 'data-contributor'",
    reports: "name is not guid(",
  },
  {
    rule: "operators: each operatorPrincipalIds entry gets the built-in Data Contributor on the app's database, under a name made of the principal (not its place in the list); empty entries grant nothing",
    file: "infra/modules/cosmos.bicep",
    from: "  name: guid(database.id, operatorId, dataContributorRoleDefinitionId)",
    to: "  name: guid(database.id, 'operator', dataContributorRoleDefinitionId)",
    reports: "two assignments share a name",
  },
  {
    rule: "operators: each operatorPrincipalIds entry gets the built-in Data Contributor on the app's database, under a name made of the principal (not its place in the list); empty entries grant nothing",
    file: "infra/modules/cosmos.bicep",
    from: "var operators = filter(operatorPrincipalIds, id => !empty(id))",
    to: "var operators = operatorPrincipalIds",
    reports: "operators [op-1, '', op-2] give assignments to",
  },
  {
    rule: "operators: each operatorPrincipalIds entry gets the built-in Data Contributor on the app's database, under a name made of the principal (not its place in the list); empty entries grant nothing",
    file: "infra/main.bicep",
    from: "    operatorPrincipalIds: operatorPrincipalIds\n",
    to: "",
    reports: "operators [op-1, '', op-2] give assignments to",
  },
  {
    rule: "operators: each operatorPrincipalIds entry gets the built-in Data Contributor on the app's database, under a name made of the principal (not its place in the list); empty entries grant nothing",
    file: "infra/modules/cosmos.bicep",
    from: "    roleDefinitionId: dataContributorRoleDefinitionId\n    principalId: operatorId",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    to: "    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001'\n    principalId: operatorId",
    reports: "op-1: role <account.id>/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001",
  },
  {
    rule: "operators: each operatorPrincipalIds entry gets the built-in Data Contributor on the app's database, under a name made of the principal (not its place in the list); empty entries grant nothing",
    file: "infra/modules/cosmos.bicep",
    from: "param operatorPrincipalIds array = []",
    to: "param operatorPrincipalIds array",
    reports: "infra/modules/cosmos.bicep: no operatorPrincipalIds parameter defaulting to []",
  },
  {
    rule: "main.parameters.json (azd): declared parameters only; a secure one only as an azd environment placeholder, never a value",
    file: "infra/main.parameters.json",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    from: '"value": ["${AZURE_PRINCIPAL_ID}"]',
    to: '"value": []',
    reports: "operatorPrincipalIds is not",
  },
  {
    rule: "main.parameters.json (azd): declared parameters only; a secure one only as an azd environment placeholder, never a value",
    file: "infra/main.parameters.json",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    from: '"value": ["${AZURE_PRINCIPAL_ID}"]',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    to: '"value": ["id-${AZURE_PRINCIPAL_ID}"]',
    reports: "is not a whole azd placeholder",
  },
  {
    rule: "Key Vault: RBAC, soft delete, purge protection; secrets only from @secure() input, never written empty",
    file: "infra/modules/keyvault.bicep",
    from: "enableRbacAuthorization: true",
    to: "enableRbacAuthorization: false",
    reports: "properties.enableRbacAuthorization is false",
  },
  {
    rule: "Key Vault: RBAC, soft delete, purge protection; secrets only from @secure() input, never written empty",
    file: "infra/modules/keyvault.bicep",
    from: "@secure()\n",
    to: "",
    reports: "secret value is not a @secure() parameter",
  },
  {
    rule: "Key Vault: RBAC, soft delete, purge protection; secrets only from @secure() input, never written empty",
    file: "infra/modules/keyvault.bicep",
    from: "[for entry in items(secrets): if (!empty(entry.value)) {",
    to: "[for entry in items(secrets): {",
    reports: "secret is written even when its value is empty",
  },
  {
    rule: "Key Vault: RBAC, soft delete, purge protection; secrets only from @secure() input, never written empty",
    file: "infra/main.bicep",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    from: "'${secretNames.signingKeys}': scimSigningKeys",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    to: "'${secretNames.signingKeys}': scimTenantId",
    reports: "secret value scimTenantId is not a @secure() parameter",
  },
  {
    rule: "Key Vault stays publicly reachable (not a parameter): the app resolves Key Vault references over the network and is not VNet-integrated",
    file: "infra/modules/keyvault.bicep",
    from: "publicNetworkAccess: 'Enabled'",
    to: "publicNetworkAccess: publicAccess",
    reports: "properties.publicNetworkAccess is undefined",
  },
  {
    rule: "baseName: every accepted value gives valid names for every resource; every other value fails the deployment with a message naming baseName",
    file: "infra/main.bicep",
    from: "var base = baseNameIsValid\n",
    to: "var base = true\n",
    reports: "names.keyVault = 'kv--scim-",
  },
  {
    rule: "baseName: every accepted value gives valid names for every resource; every other value fails the deployment with a message naming baseName",
    file: "infra/main.bicep",
    from: " && !contains(baseName, '--')",
    to: "",
    reports: "baseName 'sc--im' is accepted, but names.keyVault",
  },
  {
    rule: "baseName: every accepted value gives valid names for every resource; every other value fails the deployment with a message naming baseName",
    file: "infra/main.bicep",
    from: "@maxLength(12)\nparam baseName",
    to: "@maxLength(20)\nparam baseName",
    reports: "baseName 'abcdefghijklmnopqrst' is accepted, but names.keyVault",
  },
  {
    rule: "baseName: every accepted value gives valid names for every resource; every other value fails the deployment with a message naming baseName",
    file: "infra/main.bicep",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    from: "  : fail('baseName \\'${baseName}\\' is invalid:",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Bicep interpolation syntax, not a JS template
    to: "  : fail('\\'${baseName}\\' is invalid:",
    reports: "rejected with a message that does not name baseName",
  },
  {
    rule: "azure.yaml: `azd up` provisions infra/ and deploys build/ (after npm run package) to the app tagged with the service name",
    file: "azure.yaml",
    from: "    dist: build\n",
    to: "",
    reports: "services.scim.dist is not build",
  },
  {
    rule: "azure.yaml: `azd up` provisions infra/ and deploys build/ (after npm run package) to the app tagged with the service name",
    file: "azure.yaml",
    from: "  scim:\n",
    to: "  api:\n",
    reports: "not the azure.yaml service 'api'",
  },
  {
    rule: "azure.yaml: `azd up` provisions infra/ and deploys build/ (after npm run package) to the app tagged with the service name",
    file: "infra/modules/functionapp.bicep",
    from: "  tags: union(tags, { 'azd-service-name': azdServiceName })\n",
    to: "  tags: tags\n",
    reports: "azd-service-name is null",
  },
  {
    rule: "azure.yaml: `azd up` provisions infra/ and deploys build/ (after npm run package) to the app tagged with the service name",
    file: "azure.yaml",
    from: "      prepackage:\n        posix:\n          shell: sh\n          run: npm run package\n",
    to: "      prepackage:\n        posix:\n          shell: sh\n          run: npm run build\n",
    reports: "hooks.prepackage.posix does not run npm run package",
  },
  {
    rule: "azure.yaml: `azd up` provisions infra/ and deploys build/ (after npm run package) to the app tagged with the service name",
    file: "azure.yaml",
    from: "    remoteBuild: false\n",
    to: "",
    reports: "services.scim.remoteBuild is not false",
  },
  {
    rule: "azure.yaml: `azd up` provisions infra/ and deploys build/ (after npm run package) to the app tagged with the service name",
    file: ".funcignore",
    from: "node_modules/.bin/\n",
    to: "node_modules/\n",
    reports: ".funcignore excludes node_modules",
  },
  {
    rule: "every param has @description starting Required. or Optional., matching whether it has a default",
    file: "infra/modules/identity.bicep",
    from: "@description('Optional. Tags applied to the identity.')",
    to: "@description('Tags applied to the identity.')",
    reports: "param tags: @description does not start with",
  },
  {
    rule: "every param has @description starting Required. or Optional., matching whether it has a default",
    file: "infra/modules/identity.bicep",
    from: "@description('Required. Name of the user-assigned managed identity.')\n",
    to: "",
    reports: "param name: no @description",
  },
  {
    rule: "every param has @description starting Required. or Optional., matching whether it has a default",
    file: "infra/modules/identity.bicep",
    from: "@description('Required. Azure region of the identity.')",
    to: "@description('Optional. Azure region of the identity.')",
    reports: "param location: says Optional but has no default",
  },
  {
    rule: "secure parameters have no default other than '' or {}",
    file: "infra/main.bicep",
    from: "param scimTokenSha256 string = ''",
    to: "param scimTokenSha256 string = 'abc'",
    reports: "secure param scimTokenSha256 has a default value",
  },
  {
    rule: "every output has a @description",
    file: "infra/modules/identity.bicep",
    from: "@description('Client (application) ID of the identity, read by DefaultAzureCredential and the Functions host.')\n",
    to: "",
    reports: "output clientId: no @description",
  },
  {
    rule: "main.bicep: location defaults to the resource group, names derive from baseName + uniqueString(resourceGroup().id)",
    file: "infra/main.bicep",
    from: "param location string = resourceGroup().location",
    to: "param location string = 'westeurope'",
    reports: "param location does not default to resourceGroup().location",
  },
  {
    rule: "main.bicep outputs: functionAppName, tenantUrl, tokenUrl, cosmosEndpoint, keyVaultName, managedIdentityClientId",
    file: "infra/main.bicep",
    from: "/scim/v2'",
    to: "/api'",
    reports: "tenantUrl is not",
  },
  {
    rule: "main.bicep outputs: functionAppName, tenantUrl, tokenUrl, cosmosEndpoint, keyVaultName, managedIdentityClientId",
    file: "infra/main.bicep",
    from: "/oauth2/token'",
    to: "/scim/v2/oauth2/token'",
    reports:
      "tokenUrl is https://<functionApp.outputs.defaultHostName>/scim/v2/oauth2/token, but the app serves",
  },
  {
    rule: "main.bicep outputs: functionAppName, tenantUrl, tokenUrl, cosmosEndpoint, keyVaultName, managedIdentityClientId",
    file: "infra/main.bicep",
    from: "output tokenUrl string",
    to: "output tokenEndpoint string",
    reports: "output tokenUrl missing",
  },
  {
    rule: "main.bicep outputs: functionAppName, tenantUrl, tokenUrl, cosmosEndpoint, keyVaultName, managedIdentityClientId",
    file: "infra/main.bicep",
    from: "output keyVaultName string",
    to: "output vaultName string",
    reports: "output keyVaultName missing",
  },
  {
    rule: "Cosmos containers are generated by a loop over loadJsonContent('…/shared/store/containers.json')",
    file: "infra/modules/cosmos.bicep",
    from: "loadJsonContent('../../shared/store/containers.json')",
    to: "loadJsonContent('../shared/store/containers.json')",
    reports: "does not resolve to shared/store/containers.json",
  },
  {
    rule: "Cosmos containers are generated by a loop over loadJsonContent('…/shared/store/containers.json')",
    file: "infra/modules/cosmos.bicep",
    from: "partitionKey: definition.partitionKey",
    to: "partitionKey: { paths: ['/tenantId'], kind: 'Hash' }",
    reports: "properties.resource.partitionKey is not taken from definition.partitionKey",
  },
  {
    rule: "Cosmos containers are generated by a loop over loadJsonContent('…/shared/store/containers.json')",
    file: "infra/modules/cosmos.bicep",
    from: "      defaultTtl: definition.?defaultTtl\n",
    to: "",
    reports: "properties.resource.defaultTtl is not taken from definition.defaultTtl",
  },
  {
    rule: "containers.json uses only keys the Bicep loop copies (nothing silently dropped)",
    file: "shared/store/containers.json",
    from: '"id": "memberships",',
    to: '"id": "memberships", "analyticalStorageTtl": -1,',
    reports: "key analyticalStorageTtl is not deployed",
  },
  {
    rule: "tenants container: TTL on without a default expiry (defaultTtl -1), so client-assertion replay records expire by their own ttl and nothing else does",
    file: "shared/store/containers.json",
    from: '    "defaultTtl": -1,\n',
    to: "",
    reports: "tenants: defaultTtl is undefined, not -1",
  },
  {
    rule: "tenants container: TTL on without a default expiry (defaultTtl -1), so client-assertion replay records expire by their own ttl and nothing else does",
    file: "shared/store/containers.json",
    from: '    "defaultTtl": -1,',
    to: '    "defaultTtl": 3600,',
    reports: "tenants: defaultTtl is 3600, not -1",
  },
  {
    rule: "main.parameters.json (azd): declared parameters only; a secure one only as an azd environment placeholder, never a value",
    file: "infra/main.parameters.json",
    from: '"parameters": {',
    to: '"parameters": { "unknownName": { "value": 1 },',
    reports: "unknownName, which main.bicep does not declare",
  },
  {
    rule: "main.parameters.json (azd): declared parameters only; a secure one only as an azd environment placeholder, never a value",
    file: "infra/main.parameters.json",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    from: '"value": "${SCIM_TOKEN_SHA256}"',
    to: '"value": "00"',
    reports: "sets secure parameter scimTokenSha256 to a value",
  },
  {
    rule: "main.parameters.json (azd): declared parameters only; a secure one only as an azd environment placeholder, never a value",
    file: "infra/main.parameters.json",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    from: '"value": "${SCIM_SIGNING_KEYS}"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    to: '"value": "${SCIM_SIGNING_KEY}"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    reports: "scimSigningKeys is not ${SCIM_SIGNING_KEYS}",
  },
  {
    rule: "main.parameters.json (azd): declared parameters only; a secure one only as an azd environment placeholder, never a value",
    file: "infra/main.parameters.json",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    from: '"value": "${AZURE_ENV_NAME}"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: azd placeholder syntax, not a JS template
    to: '"value": "${AZURE_ENV_NAME=dev}"',
    reports: "is not a whole azd placeholder",
  },
  {
    rule: "API versions are GA, and Microsoft.Web/sites supports functionAppConfig (>= 2024-04-01)",
    file: "infra/modules/functionapp.bicep",
    from: "'Microsoft.Web/sites@2024-11-01'",
    to: "'Microsoft.Web/sites@2023-12-01'",
    reports: "predates Flex Consumption support",
  },
];

describe("infra rules bite: each one-place break of the real templates is reported", () => {
  it.each(mutations.map((m) => [`${m.rule} <- ${m.file}: ${m.to.trim() || "(removed)"}`, m] as const))(
    "%s",
    (_title, m) => {
      const original = readFileSync(join(repoRoot, m.file), "utf8");
      // The mutation must hit exactly one place, or it no longer tests what it says.
      expect(original.split(m.from).length - 1).toBe(1);
      const infra = loadInfra(repoRoot, { [m.file]: original.replace(m.from, m.to) });
      const violations = rules[m.rule](infra);
      expect(violations.join("\n")).toContain(m.reports);
    },
  );

  it("every rule has at least one mutation", () => {
    const covered = new Set<string>(mutations.map((m) => m.rule));
    expect(Object.keys(rules).filter((name) => !covered.has(name))).toEqual([]);
  });
});
