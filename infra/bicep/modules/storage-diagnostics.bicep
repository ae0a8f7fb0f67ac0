// Diagnostic settings of one storage account: every read, write and delete on its blob (and queue and table)
// services, and the transaction metrics, to Log Analytics.
@description('Storage account name.')
param accountName string

@description('Log Analytics workspace id.')
param workspaceId string

@description('Also the queue and table services (the data account has them).')
param queuesAndTables bool

var logs = [
  { category: 'StorageRead', enabled: true }
  { category: 'StorageWrite', enabled: true }
  { category: 'StorageDelete', enabled: true }
]
var metrics = [ { category: 'Transaction', enabled: true } ]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: accountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: account
  name: 'to-log-analytics'
  properties: { workspaceId: workspaceId, metrics: metrics }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: blobService
  name: 'to-log-analytics'
  properties: { workspaceId: workspaceId, logs: logs, metrics: metrics }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (queuesAndTables) {
  scope: queueService
  name: 'to-log-analytics'
  properties: { workspaceId: workspaceId, logs: logs, metrics: metrics }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (queuesAndTables) {
  scope: tableService
  name: 'to-log-analytics'
  properties: { workspaceId: workspaceId, logs: logs, metrics: metrics }
}
