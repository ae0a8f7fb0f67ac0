// Least privilege, scoped as narrowly as Azure allows: per container, per queue, per table, per secret.
// Only the app's and Event Grid's user-assigned identities receive roles.
@description('Data storage account name.')
param dataAccountName string

@description('Functions host storage account name.')
param hostAccountName string

@description('Key Vault name.')
param vaultName string

@description('Application Insights resource name.')
param insightsName string

@description('Principal id of the app identity.')
param appPrincipalId string

@description('Principal id of the Event Grid delivery identity.')
param deliveryPrincipalId string

var roles = {
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  queueMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  metricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
var containers = [ 'extracts', 'snapshots', 'quarantine', 'audit', 'runs', 'lineage' ]
var queues = [ 'extract-arrivals', 'extract-arrivals-poison', 'phase1-intake', 'phase1-intake-poison' ]
var tables = [ 'signals', 'signalhistory', 'ingests', 'runs' ]
var secrets = [ 'pseudonym-key', 'envelope-key' ]

resource dataAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: dataAccount
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for c in containers: {
  parent: blobService
  name: c
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: dataAccount
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = [for q in queues: {
  parent: queueService
  name: q
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: dataAccount
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [for t in tables: {
  parent: tableService
  name: t
}]

resource hostAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = [for s in secrets: {
  parent: vault
  name: s
}]

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

resource containerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (c, i) in containers: {
  scope: blobContainers[i]
  name: guid(blobContainers[i].id, appPrincipalId, roles.blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource queueRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (q, i) in queues: {
  scope: storageQueues[i]
  name: guid(storageQueues[i].id, appPrincipalId, roles.queueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource tableRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (t, i) in tables: {
  scope: storageTables[i]
  name: guid(storageTables[i].id, appPrincipalId, roles.tableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.tableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource secretRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (s, i) in secrets: {
  scope: vaultSecrets[i]
  name: guid(vaultSecrets[i].id, appPrincipalId, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// The host account holds only leases, timers and the package: the host needs blob ownership there, nothing more.
resource hostRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostAccount
  name: guid(hostAccount.id, appPrincipalId, roles.blobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, appPrincipalId, roles.metricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.metricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Event Grid may only add messages to extract-arrivals.
resource deliveryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storageQueues[0]
  name: guid(storageQueues[0].id, deliveryPrincipalId, roles.queueMessageSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueMessageSender)
    principalId: deliveryPrincipalId
    principalType: 'ServicePrincipal'
  }
}
