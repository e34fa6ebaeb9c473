metadata name = 'SCIM 2.0 endpoint for Microsoft Entra provisioning'
metadata description = 'Azure Functions (Flex Consumption, Node.js 22) + Cosmos DB serverless + Key Vault + Application Insights, all reached through one user-assigned managed identity. No keys, no shared-key storage access, no basic publishing credentials.'

targetScope = 'resourceGroup'

@description('Optional. Prefix of every resource name: 3-12 lower-case letters, digits and single hyphens, starting with a letter and ending with a letter or digit. Every derived name (storage account, Key Vault, Cosmos DB account, ...) is then valid.')
@minLength(3)
@maxLength(12)
param baseName string = 'scim'

@description('Optional. Azure region of every resource (must offer Flex Consumption). Defaults to the resource group location.')
param location string = resourceGroup().location

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Name of the Azure Developer CLI environment (azd passes AZURE_ENV_NAME); when set, every resource is tagged `azd-env-name` with it. Leave empty outside azd.')
param environmentName string = ''

@description('Optional. Cosmos DB SQL database name (app setting COSMOS_DATABASE).')
param cosmosDatabaseName string = 'scim'

@description('Optional. Default consistency of the Cosmos DB account: Session (the cheapest reads), or Strong (reads cost about twice the RU; a user\'s `groups` copy stays exact even when two instances change the same user\'s memberships within milliseconds: docs/storage.md).')
@allowed([
  'Session'
  'Strong'
])
param cosmosConsistencyLevel string = 'Session'

@description('Optional. Tenant partition used for requests authenticated with the shared Secret Token (app setting SCIM_TENANT_ID).')
param scimTenantId string = 'default'

@description('Optional. Hex SHA-256 digest of a deployment-wide SCIM Secret Token for the tenant `scimTenantId` (comma-separated digests during a rotation), stored in Key Vault as `scim-token-sha256` and read by the app as SCIM_TOKEN_SHA256. Empty: no deployment-wide token (tenants registered with `npm run tenants` only); the app setting is then left out, and a digest stored earlier stays in the vault, unused. Pass it on the command line or through `azd env set SCIM_TOKEN_SHA256`, never in a committed file.')
@secure()
param scimTokenSha256 string = ''

@description('Required. SCIM_SIGNING_KEYS: `kid:secret[,kid:secret...]`, each secret at least 32 random bytes in base64 (`echo "k1:$(openssl rand -base64 32)"`); the first key signs the access tokens of the token endpoint and the pagination cursors, every key verifies. Stored in Key Vault as `scim-signing-keys`. Pass the same value on every deployment: another key invalidates every access token and cursor issued (rotation: docs/deploy.md). Pass it on the command line or through `azd env set SCIM_SIGNING_KEYS`, never in a committed file.')
@secure()
@minLength(1)
param scimSigningKeys string

@description('Optional. Lifetime in seconds of the access tokens the token endpoint `/oauth2/token` issues (app setting SCIM_ACCESS_TOKEN_SECONDS), 300 to 21600.')
@minValue(300)
@maxValue(21600)
param scimAccessTokenSeconds int = 3600

@description('Optional. Seconds an instance trusts a credential or tenant it has read (app setting SCIM_AUTH_CACHE_SECONDS), 0 to 60: how late a revocation or suspension can take effect.')
@minValue(0)
@maxValue(60)
param scimAuthCacheSeconds int = 30

@description('Optional. Application ids accepted as `aud` of Entra-issued JWTs besides Entra\'s SCIM audience, separated by spaces or commas, e.g. the id of a gallery app (app setting SCIM_ENTRA_AUDIENCES). Empty leaves the setting out.')
param scimEntraAudiences string = ''

@description('Optional. App setting SCIM_FEDERATION_AUDIENCE; empty leaves it out. The app checks each workload identity federation assertion against the audience its federation was registered with, so this changes no answer: the default `aud` of `npm run tenants -- client federate` is SCIM_FEDERATION_AUDIENCE in the environment the CLI runs in (or its --audience).')
param scimFederationAudience string = ''

@description('Optional. Scopes the token endpoint grants, separated by spaces or commas (app setting SCIM_OAUTH_SCOPES). Empty leaves the setting out: the app grants `scim`.')
param scimOAuthScopes string = ''

@description('Optional. Object (principal) ids of the people or service principals who run the operator CLI (`npm run tenants`) against the deployment; each gets Cosmos DB Built-in Data Contributor on the database. azd passes the signed-in principal (AZURE_PRINCIPAL_ID). Empty entries are skipped.')
param operatorPrincipalIds array = []

@description('Optional. Days a deleted key vault stays recoverable; with purge protection its name stays reserved that long.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Optional. Upper bound on function app instances (caps cost and the request rate sent to Cosmos DB). Flex Consumption accepts 1 (its lowest maximum) to 1000.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional. Memory per function app instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Always-ready instances for the HTTP trigger group (removes cold starts, billed while idle). 0 = scale to zero.')
@minValue(0)
@maxValue(20)
param alwaysReadyInstanceCount int = 0

@description('Optional. Log Analytics retention in days.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

// Bicep has no regular expressions: the characters are checked one by one. Prefixes and separators below
// make every name start and end validly as long as baseName itself neither starts nor ends with a hyphen nor
// holds two in a row (Key Vault forbids consecutive hyphens; the storage name drops hyphens altogether).
var baseNameChars = map(range(0, length(baseName)), i => substring(baseName, i, 1))
var baseNameHasOnlyAllowedChars = empty(filter(baseNameChars, c => !contains('abcdefghijklmnopqrstuvwxyz0123456789-', c)))
var baseNameIsValid = baseNameHasOnlyAllowedChars && contains('abcdefghijklmnopqrstuvwxyz', first(baseName)) && !endsWith(baseName, '-') && !contains(baseName, '--')
var base = baseNameIsValid
  ? baseName
  : fail('baseName \'${baseName}\' is invalid: use 3-12 lower-case letters, digits and single hyphens, starting with a letter and ending with a letter or digit.')
var token = uniqueString(resourceGroup().id)
var allTags = union(tags, empty(environmentName) ? {} : { 'azd-env-name': environmentName })

// Key Vault secret names. Each secret is written by the keyvault module and read by the app through a Key
// Vault reference app setting (functionapp module); a new secret needs an entry here, in `secrets` below, and
// its app setting. A reference to a secret that does not exist stays the literal `@Microsoft.KeyVault(...)`
// text and the app refuses to start, so the digest's setting is only written with the digest.
var secretNames = {
  tokenDigest: 'scim-token-sha256'
  signingKeys: 'scim-signing-keys'
}

var names = {
  identity: 'id-${base}-${token}'
  storage: take('st${replace(base, '-', '')}${token}', 24)
  cosmos: take('cosmos-${base}-${token}', 44)
  keyVault: take('kv-${base}-${token}', 24)
  logAnalytics: 'log-${base}-${token}'
  appInsights: 'appi-${base}-${token}'
  plan: 'plan-${base}-${token}'
  functionApp: 'func-${base}-${token}'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    principalId: identity.outputs.principalId
    retentionInDays: logRetentionInDays
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    principalId: identity.outputs.principalId
    tags: allTags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    name: names.cosmos
    location: location
    principalId: identity.outputs.principalId
    databaseName: cosmosDatabaseName
    consistencyLevel: cosmosConsistencyLevel
    operatorPrincipalIds: operatorPrincipalIds
    tags: allTags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    principalId: identity.outputs.principalId
    secrets: {
      '${secretNames.tokenDigest}': scimTokenSha256
      '${secretNames.signingKeys}': scimSigningKeys
    }
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    tags: allTags
  }
}

// Consuming every module's outputs makes the app wait for all role assignments, so the host starts
// with working access to storage, Cosmos DB, Key Vault and Application Insights.
module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsName: monitoring.outputs.appInsightsName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    keyVaultUri: keyVault.outputs.uri
    tokenDigestSecretName: !empty(scimTokenSha256) ? secretNames.tokenDigest : ''
    signingKeysSecretName: secretNames.signingKeys
    scimTenantId: scimTenantId
    // The app's authentication settings (shared/config.ts); empty strings are left out (the app's default).
    extraAppSettings: {
      SCIM_ACCESS_TOKEN_SECONDS: string(scimAccessTokenSeconds)
      SCIM_AUTH_CACHE_SECONDS: string(scimAuthCacheSeconds)
      SCIM_ENTRA_AUDIENCES: scimEntraAudiences
      SCIM_FEDERATION_AUDIENCE: scimFederationAudience
      SCIM_OAUTH_SCOPES: scimOAuthScopes
    }
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyInstanceCount: alwaysReadyInstanceCount
    tags: allTags
  }
}

@description('Name of the function app: `func azure functionapp publish <functionAppName>`.')
output functionAppName string = functionApp.outputs.name

@description('Tenant URL to enter in Entra provisioning (Admin Credentials).')
output tenantUrl string = 'https://${functionApp.outputs.defaultHostName}/scim/v2'

@description('OAuth 2.0 token endpoint, beside the Tenant URL (not under it): the Token endpoint field in Entra provisioning for OAuth client credentials or workload identity federation.')
output tokenUrl string = 'https://${functionApp.outputs.defaultHostName}/oauth2/token'

@description('Cosmos DB document endpoint (COSMOS_ENDPOINT).')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('Name of the key vault that holds the signing keys `scim-signing-keys` and the token digest `scim-token-sha256`.')
output keyVaultName string = keyVault.outputs.name

@description('Client ID of the user-assigned managed identity the app runs as (AZURE_CLIENT_ID).')
output managedIdentityClientId string = identity.outputs.clientId

// Azure Developer CLI conventions (as in Microsoft's Functions azd quickstarts): azd saves every output in the
// environment (`azd env get-values`).
@description('Region of the deployment (azd convention).')
output AZURE_LOCATION string = location

@description('Microsoft Entra tenant of the subscription (azd convention).')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Name of the function app that azd service `scim` deploys to (azd convention SERVICE_<SERVICE>_NAME).')
output SERVICE_SCIM_NAME string = functionApp.outputs.name
