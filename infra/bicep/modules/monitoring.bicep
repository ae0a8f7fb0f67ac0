// Log Analytics and workspace-based Application Insights with local (key) authentication off. Storage, Key Vault
// and both apps send their diagnostic logs here (diagnosticSettings in their own modules).
@description('Name prefix.')
param prefix string

@description('Azure region.')
param location string

@description('Days logs are kept.')
param retentionDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${prefix}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output workspaceId string = workspace.id
output insightsName string = insights.name
output connectionString string = insights.properties.ConnectionString
