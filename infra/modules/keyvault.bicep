metadata description = 'Key Vault (RBAC, soft delete, purge protection) holding the SHA-256 digest of the SCIM Secret Token, readable by the app identity.'

@description('Required. Name of the key vault (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Required. Azure region of the key vault.')
param location string

@description('Required. Principal ID of the managed identity granted Key Vault Secrets User.')
param principalId string

@description('Optional. Hex SHA-256 digest of the SCIM Secret Token; during a rotation, several digests separated by commas. When empty, no secret is written (set it later with `az keyvault secret set`).')
@secure()
param scimTokenSha256 string = ''

@description('Optional. Public network access to the vault. Keep Enabled unless the app is VNet-integrated with a private endpoint: Key Vault references are resolved over the network.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

@description('Optional. Days a deleted vault or secret stays recoverable (purge protection keeps the name reserved that long).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Optional. Tags applied to the key vault.')
param tags object = {}

var secretName = 'scim-token-sha256'

// Key Vault Secrets User: read secret values (Key Vault references).
var secretsUserRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

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
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
    }
  }
}

// Only the digest is stored: the app hashes the presented bearer token and compares digests.
resource tokenDigest 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(scimTokenSha256)) {
  parent: vault
  name: secretName
  properties: {
    value: scimTokenSha256
    contentType: 'text/plain; hex SHA-256 of the SCIM Secret Token'
  }
}

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

@description('Versionless URI of the token digest entry: a Key Vault reference to it follows rotations.')
output tokenDigestUri string = '${vault.properties.vaultUri}secrets/${secretName}'
