metadata description = 'Flex Consumption plan and Linux function app (Node.js 22) running as a user-assigned identity, with basic publishing credentials disabled.'

@description('Required. Name of the function app (globally unique host name).')
param name string

@description('Required. Name of the Flex Consumption plan.')
param planName string

@description('Required. Azure region of the plan and the app.')
param location string

@description('Required. Resource ID of the user-assigned managed identity the app runs as.')
param identityId string

@description('Required. Client ID of the user-assigned managed identity.')
param identityClientId string

@description('Required. Name of the host storage account (AzureWebJobsStorage over managed identity).')
param storageAccountName string

@description('Required. URL of the blob container that holds deployment packages.')
param deploymentContainerUrl string

@description('Required. Name of the Application Insights component.')
param appInsightsName string

@description('Required. Cosmos DB document endpoint.')
param cosmosEndpoint string

@description('Required. Cosmos DB SQL database name.')
param cosmosDatabaseName string

@description('Required. Vault URI (`https://<vault>.vault.azure.net/`) that Key Vault references resolve against.')
param keyVaultUri string

@description('Required. Name of the Key Vault secret holding SCIM_SIGNING_KEYS.')
param signingKeysSecretName string

@description('Optional. Name of the Key Vault secret holding the SHA-256 digest(s) of the deployment-wide Secret Token. Empty: no such token, and no SCIM_TOKEN_SHA256 setting.')
param tokenDigestSecretName string = ''

@description('Optional. Tenant partition used for requests authenticated with the shared Secret Token.')
param scimTenantId string = 'default'

@description('Optional. More app settings, name to value (strings); a setting with an empty value is left out, so the app applies its own default.')
param extraAppSettings object = {}

@description('Optional. Upper bound on scale-out instances (caps cost and Cosmos DB request rate). Flex Consumption accepts 1 to 1000.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional. Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Always-ready instances for the HTTP trigger group; 0 keeps the plan scale-to-zero (billed per execution only).')
@minValue(0)
@maxValue(20)
param alwaysReadyInstanceCount int = 0

@description('Optional. Tags applied to the plan and the app.')
param tags object = {}

@description('Optional. Service name in azure.yaml; the app carries it as the `azd-service-name` tag, which is how `azd deploy` finds the app.')
param azdServiceName string = 'scim'

// Settings the app may go without: each is written only when it has a value. A Key Vault reference to a
// secret that does not exist would stay the literal `@Microsoft.KeyVault(...)` text and stop the app.
// References are versionless, so the app follows rotations.
var optionalAppSettings = filter([
  {
    name: 'SCIM_TOKEN_SHA256'
    value: empty(tokenDigestSecretName) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${tokenDigestSecretName})'
  }
], setting => !empty(setting.value))
var extraSettings = filter(map(items(extraAppSettings), setting => {
  name: setting.key
  value: setting.value
}), setting => !empty(setting.value))

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// Flex Consumption takes the runtime from functionAppConfig: no FUNCTIONS_WORKER_RUNTIME or
// FUNCTIONS_EXTENSION_VERSION settings. Every Azure call uses the user-assigned identity.
resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyInstanceCount > 0 ? [
          {
            name: 'http'
            instanceCount: alwaysReadyInstanceCount
          }
        ] : []
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    // Flex Consumption rejects site properties it does not use (ftpsState among them: "site configuration
    // properties ... for Flex Consumption sites is invalid"), so siteConfig stays minimal. FTP and SCM basic
    // auth are switched off by the publishing-credentials policies below instead.
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat([
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        {
          // Not a secret (instrumentation key + endpoints); ingestion itself requires Entra auth.
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmosEndpoint
        }
        {
          name: 'COSMOS_DATABASE'
          value: cosmosDatabaseName
        }
        {
          name: 'SCIM_TENANT_ID'
          value: scimTenantId
        }
        {
          name: 'SCIM_SIGNING_KEYS'
          // Versionless, so the app follows rotations.
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${signingKeysSecretName})'
        }
      ], optionalAppSettings, extraSettings)
    }
  }
}

// Resource Manager requires location on these policies although the type definition omits it: without it the
// deployment fails with "The parameter location has an invalid value" (Azure/bicep-types-az#1529).
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  #disable-next-line BCP187
  location: location
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  #disable-next-line BCP187
  location: location
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = site.name

@description('Default host name of the function app.')
output defaultHostName string = site.properties.defaultHostName
