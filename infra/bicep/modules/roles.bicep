// Least privilege, scoped as narrowly as Azure allows: per container, per queue, per table, per secret, and per part.
// The pipeline (ingest, nightly, intake, retention) and the review UI each have their own identity:
// - pipeline: read/write its containers, queues and tables, both secrets, append to the audit log;
// - review UI: read snapshots and runs and rewrite them only for an erasure, read lineage, read/write the
//   signalenregister tables, read the intake poison queue and the key fingerprints, both secrets (reveal,
//   data-subject requests), append to the audit log. No extracts, no quarantine, no intake queue, no host storage.
@description('Data storage account name.')
param dataAccountName string

@description('Audit storage account name.')
param auditAccountName string

@description('Functions host storage account name.')
param hostAccountName string

@description('Key Vault name.')
param vaultName string

@description('Application Insights resource name.')
param insightsName string

@description('Principal id of the pipeline identity.')
param pipelinePrincipalId string

@description('Principal id of the review UI identity.')
param reviewPrincipalId string

var roles = {
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  queueDataReader: '19e7f393-937e-4f77-808e-94535e297925'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  tableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  metricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
var containers = [ 'extracts', 'snapshots', 'quarantine', 'runs', 'lineage' ]
var queues = [ 'extract-arrivals', 'extract-arrivals-poison', 'phase1-intake', 'phase1-intake-poison' ]
var tables = [ 'signals', 'signalhistory', 'signalobservations', 'ingests', 'runs', 'keys' ]
var secrets = [ 'pseudonym-key', 'envelope-key' ]

// What the review UI gets, by index into the lists above.
var reviewContainers = [
  { index: 1, role: roles.blobDataContributor } // snapshots: read for reveal; rewritten only by an erasure
  { index: 3, role: roles.blobDataContributor } // runs: read; run signal sets rewritten only by an erasure
  { index: 4, role: roles.blobDataReader } // lineage
]
var reviewTables = [
  { index: 0, role: roles.tableDataContributor } // signals
  { index: 1, role: roles.tableDataContributor } // signalhistory
  { index: 2, role: roles.tableDataContributor } // signalobservations
  { index: 4, role: roles.tableDataReader } // runs
  { index: 5, role: roles.tableDataReader } // keys
]

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

resource auditAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: auditAccountName
}

resource auditBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: auditAccount
  name: 'default'
}

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: auditBlobs
  name: 'audit'
}

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

// --- the pipeline -------------------------------------------------------------------------------------------

resource pipelineContainers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (c, i) in containers: {
  scope: blobContainers[i]
  name: guid(blobContainers[i].id, pipelinePrincipalId, roles.blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    principalId: pipelinePrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource pipelineQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (q, i) in queues: {
  scope: storageQueues[i]
  name: guid(storageQueues[i].id, pipelinePrincipalId, roles.queueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataContributor)
    principalId: pipelinePrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource pipelineTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (t, i) in tables: {
  scope: storageTables[i]
  name: guid(storageTables[i].id, pipelinePrincipalId, roles.tableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.tableDataContributor)
    principalId: pipelinePrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource pipelineSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (s, i) in secrets: {
  scope: vaultSecrets[i]
  name: guid(vaultSecrets[i].id, pipelinePrincipalId, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: pipelinePrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// --- the review UI ------------------------------------------------------------------------------------------

resource reviewContainerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for r in reviewContainers: {
  scope: blobContainers[r.index]
  name: guid(blobContainers[r.index].id, reviewPrincipalId, r.role)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r.role)
    principalId: reviewPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource reviewTableRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for r in reviewTables: {
  scope: storageTables[r.index]
  name: guid(storageTables[r.index].id, reviewPrincipalId, r.role)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r.role)
    principalId: reviewPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// The coordinator's page shows what failed intake: reading the poison queue, nothing more.
resource reviewPoisonQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storageQueues[3]
  name: guid(storageQueues[3].id, reviewPrincipalId, roles.queueDataReader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataReader)
    principalId: reviewPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource reviewSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (s, i) in secrets: {
  scope: vaultSecrets[i]
  name: guid(vaultSecrets[i].id, reviewPrincipalId, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: reviewPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// --- both ---------------------------------------------------------------------------------------------------

var both = [ pipelinePrincipalId, reviewPrincipalId ]

// The audit log: append-only by the locked immutability policy of its account, whatever the role allows.
resource auditRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in both: {
  scope: auditContainer
  name: guid(auditContainer.id, p, roles.blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    principalId: p
    principalType: 'ServicePrincipal'
  }
}]

// The host account holds only leases, timers and the package: each host needs blob ownership there, nothing more.
resource hostRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in both: {
  scope: hostAccount
  name: guid(hostAccount.id, p, roles.blobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataOwner)
    principalId: p
    principalType: 'ServicePrincipal'
  }
}]

resource metricsRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in both: {
  scope: insights
  name: guid(insights.id, p, roles.metricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.metricsPublisher)
    principalId: p
    principalType: 'ServicePrincipal'
  }
}]
