// The data account: extracts, snapshots, quarantine, audit (immutable), runs, lineage; the queues and tables.
// No shared keys, TLS 1.2, HTTPS only, no public blob access.
@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Days audit blobs stay immutable (time-based retention; appends stay allowed).')
@minValue(1)
param auditImmutabilityDays int

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

resource audit 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'audit'
  properties: { publicAccess: 'None' }
}

// The audit log can be appended to but not rewritten or deleted within the period.
resource auditImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: audit
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditImmutabilityDays
    allowProtectedAppendWrites: true
  }
}

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
