metadata description = 'Log Analytics workspace and workspace-based Application Insights with local (key) authentication disabled.'

@description('Required. Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Required. Name of the Application Insights component.')
param appInsightsName string

@description('Required. Azure region of the monitoring resources.')
param location string

@description('Required. Principal ID of the managed identity that sends telemetry (granted Monitoring Metrics Publisher).')
param principalId string

@description('Optional. Days of log retention in the workspace (30 stays inside the free retention period).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Optional. Tags applied to the monitoring resources.')
param tags object = {}

// Monitoring Metrics Publisher: lets the identity ingest telemetry when DisableLocalAuth is true.
var metricsPublisherRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, metricsPublisherRoleId)
  scope: appInsights
  properties: {
    roleDefinitionId: metricsPublisherRoleId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the Application Insights component (read with an `existing` reference by the function app module).')
output appInsightsName string = appInsights.name
