// SignalPipeline: the whole pipeline in one resource group, least privilege, no shared keys.
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

@description('Days audit blobs stay immutable.')
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

@description('First deployment only: create the Key Vault secrets from the two values below.')
param createSecrets bool = false

@secure()
@description('First deployment only: base64 of 32 random bytes.')
param pseudonymKey string = ''

@secure()
@description('First deployment only: base64 of 32 random bytes.')
param envelopeKey string = ''

var compact = toLower(replace(prefix, '-', ''))

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { prefix: prefix, location: location }
}

module data 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('${compact}data${uniqueString(resourceGroup().id)}', 24)
    location: location
    auditImmutabilityDays: auditImmutabilityDays
    rawExtractRetentionDays: rawExtractRetentionDays
    quarantineRetentionDays: quarantineRetentionDays
  }
}

module hostStorage 'modules/host-storage.bicep' = {
  name: 'host-storage'
  params: { name: take('${compact}host${uniqueString(resourceGroup().id)}', 24), location: location }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: take('${prefix}-kv-${uniqueString(resourceGroup().id)}', 24)
    location: location
    createSecrets: createSecrets
    pseudonymKey: pseudonymKey
    envelopeKey: envelopeKey
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { prefix: prefix, location: location, retentionDays: logRetentionDays }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    dataAccountName: data.outputs.name
    hostAccountName: hostStorage.outputs.name
    vaultName: vault.outputs.name
    insightsName: '${prefix}-insights'
    appPrincipalId: identity.outputs.appPrincipalId
    deliveryPrincipalId: identity.outputs.deliveryPrincipalId
  }
  dependsOn: [ monitoring ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    prefix: prefix
    location: location
    identityId: identity.outputs.appId
    identityClientId: identity.outputs.appClientId
    hostAccountName: hostStorage.outputs.name
    deploymentContainerUrl: hostStorage.outputs.deploymentContainerUrl
    dataAccountName: data.outputs.name
    dataQueueEndpoint: data.outputs.queueEndpoint
    keyVaultUri: vault.outputs.uri
    insightsConnectionString: monitoring.outputs.connectionString
    territory: territory
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  dependsOn: [ roles ]
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  params: {
    prefix: prefix
    location: location
    storageAccountId: data.outputs.id
    deliveryIdentityId: identity.outputs.deliveryId
  }
  dependsOn: [ roles ]
}

module auth 'modules/auth.bicep' = {
  name: 'auth'
  params: { appName: functionApp.outputs.name, clientId: authClientId }
}

output functionAppName string = functionApp.outputs.name
output reviewUrl string = 'https://${functionApp.outputs.hostName}/review'
output keyVaultName string = vault.outputs.name
output dataStorageAccount string = data.outputs.name
