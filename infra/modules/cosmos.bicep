metadata description = 'Serverless Cosmos DB (NoSQL) account, the SCIM database, the containers generated from shared/store/containers.json, and a data-plane role assignment. Keys are disabled.'

@description('Required. Name of the Cosmos DB account (3-44 lower-case letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(44)
param name string

@description('Required. Azure region of the account.')
param location string

@description('Required. Principal ID of the managed identity granted Cosmos DB Built-in Data Contributor on the database.')
param principalId string

@description('Optional. Object (principal) ids of the users, groups or service principals that run the operator CLI (`npm run tenants`) against this account; each gets Cosmos DB Built-in Data Contributor on the database. Empty strings are skipped.')
param operatorPrincipalIds array = []

@description('Optional. Name of the SQL database.')
param databaseName string = 'scim'

@description('Optional. Tags applied to the account.')
param tags object = {}

@description('Optional. Default consistency of the account: Session (reads cost the least), or Strong (every read costs about twice the RU, and a user\'s `groups` copy is exact even when two instances change the same user\'s memberships within milliseconds: docs/storage.md).')
@allowed([
  'Session'
  'Strong'
])
param consistencyLevel string = 'Session'

// The app's own container definitions (partition keys, unique keys, indexing policies, composite
// indexes): one source of truth for the embedded emulator and Azure, so they cannot drift.
var containerDefinitions = loadJsonContent('../../shared/store/containers.json')

// Cosmos DB Built-in Data Contributor (data plane: read/write items, run queries).
var dataContributorRoleDefinitionId = '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'

// azd passes [AZURE_PRINCIPAL_ID]; an empty entry (a placeholder azd left empty) grants nothing.
var operators = filter(operatorPrincipalIds, id => !empty(id))

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: consistencyLevel
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// A missing uniqueKeyPolicy or defaultTtl evaluates to null, which Resource Manager treats as absent.
// Unique keys are fixed at container creation: changing them means a new container and a data copy.
// defaultTtl (-1 on `tenants`: TTL on, only items with their own `ttl` expire) can change in place.
resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [for definition in containerDefinitions: {
  parent: database
  name: definition.id
  properties: {
    resource: {
      id: definition.id
      partitionKey: definition.partitionKey
      uniqueKeyPolicy: definition.?uniqueKeyPolicy
      indexingPolicy: definition.indexingPolicy
      defaultTtl: definition.?defaultTtl
    }
  }
}]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = {
  parent: account
  name: guid(database.id, principalId, dataContributorRoleDefinitionId)
  properties: {
    roleDefinitionId: dataContributorRoleDefinitionId
    principalId: principalId
    scope: '${account.id}/dbs/${database.name}'
  }
}

// The same role for the operators: the CLI reads and writes the `tenants` container with their own Entra
// identity (DefaultAzureCredential). The name depends on the principal, never on its place in the list.
resource operatorDataContributors 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = [for operatorId in operators: {
  parent: account
  name: guid(database.id, operatorId, dataContributorRoleDefinitionId)
  properties: {
    roleDefinitionId: dataContributorRoleDefinitionId
    principalId: operatorId
    scope: '${account.id}/dbs/${database.name}'
  }
}]

@description('Document endpoint of the account (COSMOS_ENDPOINT).')
output endpoint string = account.properties.documentEndpoint

@description('Name of the SQL database (COSMOS_DATABASE).')
output databaseName string = database.name
