// The Functions host's own account (leases, timers, deployment package), apart from the data account so that the
// host's broad rights never reach signal data. No public network: private endpoint only.
@description('Storage account name.')
param name string

@description('Azure region.')
param location string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Disabled'
    networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// One deployment container per app (pipeline, review).
resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for part in [ 'pipeline', 'review' ]: {
  parent: blobs
  name: 'deployments-${part}'
  properties: { publicAccess: 'None' }
}]

output name string = account.name
output id string = account.id
output pipelineDeploymentUrl string = '${account.properties.primaryEndpoints.blob}${deployments[0].name}'
output reviewDeploymentUrl string = '${account.properties.primaryEndpoints.blob}${deployments[1].name}'
