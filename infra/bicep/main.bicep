// SignalPipeline: the whole pipeline in one resource group, least privilege, no shared keys, no public network to
// the data: two apps (pipeline, review UI) with an identity each, storage and Key Vault behind private endpoints, the
// audit log in an account of its own under a locked immutability policy, and every data access logged.
targetScope = 'resourceGroup'

@description('Short lowercase name for every resource, e.g. sp-gm-prod.')
@minLength(3)
@maxLength(14)
param prefix string

@description('Azure region.')
param location string

@description('Gemeentecodes of the own territory, comma separated.')
param territory string

@description('Client id of the Entra app registration of the review UI (with app roles coordinator, oov, dpia-reviewer, admin).')
param authClientId string

@description('Days audit entries stay immutable (the policy is locked: it cannot be shortened later).')
param auditImmutabilityDays int = 730

@description('Safety net: days after which raw extracts are deleted if the app did not.')
param rawExtractRetentionDays int = 7

@description('Days after which quarantined files are deleted.')
param quarantineRetentionDays int = 30

@description('Days logs are kept in Log Analytics.')
param logRetentionDays int = 90

@description('Maximum Function App instances.')
param maximumInstanceCount int = 10

@description('Memory per instance in MB.')
param instanceMemoryMB int = 2048

@description('Address space of the virtual network.')
param addressPrefix string = '10.40.0.0/16'

@description('First deployment only: create the Key Vault secrets from the two values below.')
param createSecrets bool = false

@secure()
@description('First deployment only: base64 of 32 random bytes.')
param pseudonymKey string = ''

@secure()
@description('First deployment only: base64 of 32 random bytes.')
param envelopeKey string = ''

var compact = toLower(replace(prefix, '-', ''))
var suffix = uniqueString(resourceGroup().id)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { prefix: prefix, location: location }
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: { prefix: prefix, location: location, addressPrefix: addressPrefix }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { prefix: prefix, location: location, retentionDays: logRetentionDays }
}

module data 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('${compact}data${suffix}', 24)
    location: location
    rawExtractRetentionDays: rawExtractRetentionDays
    quarantineRetentionDays: quarantineRetentionDays
  }
}

module auditStorage 'modules/audit-storage.bicep' = {
  name: 'audit-storage'
  params: { name: take('${compact}audit${suffix}', 24), location: location, immutabilityDays: auditImmutabilityDays }
}

module hostStorage 'modules/host-storage.bicep' = {
  name: 'host-storage'
  params: { name: take('${compact}host${suffix}', 24), location: location }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: take('${prefix}-kv-${suffix}', 24)
    location: location
    workspaceId: monitoring.outputs.workspaceId
    createSecrets: createSecrets
    pseudonymKey: pseudonymKey
    envelopeKey: envelopeKey
  }
}

// Every read, write and delete on the three storage accounts goes to Log Analytics.
module dataDiagnostics 'modules/storage-diagnostics.bicep' = {
  name: 'storage-diagnostics-data'
  params: { accountName: data.outputs.name, workspaceId: monitoring.outputs.workspaceId, queuesAndTables: true }
}

module auditDiagnostics 'modules/storage-diagnostics.bicep' = {
  name: 'storage-diagnostics-audit'
  params: { accountName: auditStorage.outputs.name, workspaceId: monitoring.outputs.workspaceId, queuesAndTables: false }
}

module hostDiagnostics 'modules/storage-diagnostics.bicep' = {
  name: 'storage-diagnostics-host'
  params: { accountName: hostStorage.outputs.name, workspaceId: monitoring.outputs.workspaceId, queuesAndTables: false }
}

// Private endpoints: the apps reach storage and Key Vault only through the network.
var endpoints = [
  { account: 'data', group: 'blob' }
  { account: 'data', group: 'queue' }
  { account: 'data', group: 'table' }
  { account: 'audit', group: 'blob' }
  { account: 'host', group: 'blob' }
  { account: 'vault', group: 'vault' }
]

module privateEndpoints 'modules/private-endpoint.bicep' = [for e in endpoints: {
  name: 'pe-${e.account}-${e.group}'
  params: {
    name: '${prefix}-pe-${e.account}-${e.group}'
    location: location
    subnetId: network.outputs.endpointSubnetId
    targetId: e.account == 'data' ? data.outputs.id : e.account == 'audit' ? auditStorage.outputs.id : e.account == 'host' ? hostStorage.outputs.id : vault.outputs.id
    groupId: e.group
    dnsZoneId: e.group == 'blob' ? network.outputs.blobZoneId : e.group == 'queue' ? network.outputs.queueZoneId : e.group == 'table' ? network.outputs.tableZoneId : network.outputs.vaultZoneId
  }
}]

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    dataAccountName: data.outputs.name
    auditAccountName: auditStorage.outputs.name
    hostAccountName: hostStorage.outputs.name
    vaultName: vault.outputs.name
    insightsName: monitoring.outputs.insightsName
    pipelinePrincipalId: identity.outputs.pipelinePrincipalId
    reviewPrincipalId: identity.outputs.reviewPrincipalId
  }
}

module apps 'modules/functionapp.bicep' = [for part in [ 'pipeline', 'review' ]: {
  name: 'functionapp-${part}'
  params: {
    prefix: prefix
    part: part
    location: location
    identityId: part == 'pipeline' ? identity.outputs.pipelineId : identity.outputs.reviewId
    identityClientId: part == 'pipeline' ? identity.outputs.pipelineClientId : identity.outputs.reviewClientId
    subnetId: part == 'pipeline' ? network.outputs.pipelineSubnetId : network.outputs.reviewSubnetId
    workspaceId: monitoring.outputs.workspaceId
    hostAccountName: hostStorage.outputs.name
    deploymentContainerUrl: part == 'pipeline' ? hostStorage.outputs.pipelineDeploymentUrl : hostStorage.outputs.reviewDeploymentUrl
    dataAccountName: data.outputs.name
    auditAccountName: auditStorage.outputs.name
    dataQueueEndpoint: data.outputs.queueEndpoint
    keyVaultUri: vault.outputs.uri
    insightsConnectionString: monitoring.outputs.connectionString
    territory: territory
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  dependsOn: [ roles, privateEndpoints ]
}]

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  params: { prefix: prefix, location: location, dataAccountName: data.outputs.name }
}

module auth 'modules/auth.bicep' = {
  name: 'auth'
  params: { appName: apps[1].outputs.name, clientId: authClientId }
}

output pipelineAppName string = apps[0].outputs.name
output reviewAppName string = apps[1].outputs.name
output reviewUrl string = 'https://${apps[1].outputs.hostName}/review'
output keyVaultName string = vault.outputs.name
output dataStorageAccount string = data.outputs.name
output auditStorageAccount string = auditStorage.outputs.name
