// Key Vault for the pseudonymisation and envelope keys: RBAC only, soft delete, purge protection, no public network
// (private endpoint only), every access logged to Log Analytics.
@description('Key Vault name.')
param name string

@description('Azure region.')
param location string

@description('Create the two secrets from the values below. Only on the first deployment: new keys change every pseudonym and make existing envelopes unreadable.')
param createSecrets bool

@description('Log Analytics workspace id for the vault\'s audit events.')
param workspaceId string

@secure()
@description('Base64 of 32 random bytes (first deployment only; e.g. openssl rand -base64 32).')
param pseudonymKey string

@secure()
@description('Base64 of 32 random bytes (first deployment only).')
param envelopeKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Disabled'
    networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: vault
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'audit', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource pseudonym 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (createSecrets) {
  parent: vault
  name: 'pseudonym-key'
  properties: { value: pseudonymKey, contentType: 'base64; 32 bytes; HMAC-SHA256 master key' }
}

resource envelope 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (createSecrets) {
  parent: vault
  name: 'envelope-key'
  properties: { value: envelopeKey, contentType: 'base64; 32 bytes; AES-256-GCM identity envelope key' }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
output id string = vault.id
