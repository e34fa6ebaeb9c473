metadata description = 'Key Vault (RBAC, soft delete, purge protection) holding the app\'s secrets (the signing keys and the SHA-256 digest of the deployment-wide Secret Token), readable by the app identity.'

@description('Required. Name of the key vault (3-24 letters, digits and hyphens, starts with a letter, no consecutive hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Required. Azure region of the key vault.')
param location string

@description('Required. Principal ID of the managed identity granted Key Vault Secrets User.')
param principalId string

@description('Optional. Secrets to write, as an object of secret name to value. An entry with an empty value is skipped, so a deployment without it leaves the stored secret as it is.')
@secure()
param secrets object = {}

@description('Optional. Days a deleted vault or secret stays recoverable (purge protection keeps the name reserved that long).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Optional. Tags applied to the key vault.')
param tags object = {}

// Key Vault Secrets User: read secret values (Key Vault references).
var secretsUserRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

// Public network access stays on: the app resolves its Key Vault references over the network, and this
// template does not integrate the app with a virtual network, which a network-restricted vault would need.
// Reads still require an Entra token for an identity holding Key Vault Secrets User.
resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = [for entry in items(secrets): if (!empty(entry.value)) {
  parent: vault
  name: entry.key
  properties: {
    value: entry.value
    contentType: 'text/plain'
  }
}]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: secretsUserRoleId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the key vault.')
output name string = vault.name

@description('Vault URI; `<uri>secrets/<name>` without a version is what a Key Vault reference that follows rotations points to.')
output uri string = vault.properties.vaultUri
