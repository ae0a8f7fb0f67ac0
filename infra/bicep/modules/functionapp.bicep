// One Function App on Flex Consumption, running the custom handler (signalpipeline serve) with its own identity,
// integrated into its own subnet. The same package serves two parts: the pipeline (queue and timer triggers; no
// public network at all) and the review UI (the Review HTTP function only, behind App Service authentication).
@description('Name prefix.')
param prefix string

@description('Which part this app runs.')
@allowed([ 'pipeline', 'review' ])
param part string

@description('Subnet (delegated to Microsoft.App/environments) the app integrates into.')
param subnetId string

@description('Log Analytics workspace id for the app\'s logs.')
param workspaceId string

@description('Audit storage account name.')
param auditAccountName string

@description('Azure region.')
param location string

@description('User-assigned identity resource id of this part.')
param identityId string

@description('Client id of the app identity (DefaultAzureCredential and identity-based connections).')
param identityClientId string

@description('Functions host storage account name.')
param hostAccountName string

@description('Blob container URL for the deployment package.')
param deploymentContainerUrl string

@description('Data storage account name.')
param dataAccountName string

@description('Data account queue endpoint (for the queue triggers).')
param dataQueueEndpoint string

@description('Key Vault URI.')
param keyVaultUri string

@description('Application Insights connection string.')
param insightsConnectionString string

@description('Gemeentecodes of the own territory, comma separated.')
param territory string

@description('Maximum instances the plan may scale to.')
param maximumInstanceCount int

@description('Memory per instance in MB.')
param instanceMemoryMB int

// The functions the other part runs are disabled here, so each app does only its own part.
var disabled = part == 'pipeline' ? [ 'Review' ] : [ 'IngestExtract', 'NightlyRun', 'IntakeSignal', 'Retention' ]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${prefix}-${part}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${prefix}-${part}'
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    virtualNetworkSubnetId: subnetId
    publicNetworkAccess: part == 'pipeline' ? 'Disabled' : 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat([
        { name: 'AzureWebJobsStorage__accountName', value: hostAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        // Identity-based connection "Storage" of the queue triggers (function.json "connection": "Storage").
        { name: 'Storage__queueServiceUri', value: dataQueueEndpoint }
        { name: 'Storage__credential', value: 'managedidentity' }
        { name: 'Storage__clientId', value: identityClientId }
        // The program's own settings (PipelineSettings).
        { name: 'Storage__AccountName', value: dataAccountName }
        { name: 'Storage__AuditAccountName', value: auditAccountName }
        { name: 'KeyVault__Uri', value: keyVaultUri }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'SignalPipeline__Territory', value: territory }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
      ], map(disabled, f => { name: 'AzureWebJobs.${f}.Disabled', value: 'true' }))
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      runtime: { name: 'custom', version: '1.0' }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: instanceMemoryMB }
    }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: app
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [ { category: 'FunctionAppLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output name string = app.name
output hostName string = app.properties.defaultHostName
