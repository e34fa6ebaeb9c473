metadata description = 'User-assigned managed identity: the one identity the function app uses for storage, Cosmos DB, Key Vault and Application Insights.'

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Required. Azure region of the identity.')
param location string

@description('Optional. Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource ID of the identity (attach it to the app, use it for deployment storage and Key Vault references).')
output id string = identity.id

@description('Object (principal) ID of the identity, the subject of every role assignment.')
output principalId string = identity.properties.principalId

@description('Client (application) ID of the identity, read by DefaultAzureCredential and the Functions host.')
output clientId string = identity.properties.clientId
