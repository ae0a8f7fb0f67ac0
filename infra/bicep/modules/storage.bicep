// The data account: extracts, snapshots, quarantine, runs, lineage; the queues and tables. The audit log has an
// account of its own (audit-storage.bicep). No shared keys, TLS 1.2, HTTPS only, no public blob access; no public
// network either: the apps come in through private endpoints, and the firewall (default deny) lets only Event Grid's
// system topic through as a trusted service with its own identity (Event Grid cannot use a private endpoint).
@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Days after which raw extracts left behind are deleted (the app deletes them after ingest; this is the safety net).')
@minValue(1)
param rawExtractRetentionDays int

@description('Days after which quarantined files are deleted.')
@minValue(1)
param quarantineRetentionDays int

var containers = [ 'extracts', 'snapshots', 'quarantine', 'runs', 'lineage' ]
var queues = [ 'extract-arrivals', 'extract-arrivals-poison', 'phase1-intake', 'phase1-intake-poison' ]
var tables = [ 'signals', 'signalhistory', 'signalobservations', 'ingests', 'runs', 'keys' ]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled' // only the trusted-service exception below; every other public caller is denied
    networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 7 }
    containerDeleteRetentionPolicy: { enabled: true, days: 7 }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in containers: {
  parent: blobs
  name: c
  properties: { publicAccess: 'None' }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for q in queues: {
  parent: queueService
  name: q
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for t in tables: {
  parent: tableService
  name: t
}]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'raw-extracts'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ 'extracts/' ] }
            actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: rawExtractRetentionDays } } }
          }
        }
        {
          name: 'quarantine'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ 'quarantine/' ] }
            actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: quarantineRetentionDays } } }
          }
        }
      ]
    }
  }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
