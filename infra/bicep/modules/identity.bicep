// Two user-assigned identities: one for the app, one only for Event Grid delivery into one queue.
@description('Name prefix.')
param prefix string

@description('Azure region.')
param location string

resource app 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-app-id'
  location: location
}

resource delivery 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-eventgrid-id'
  location: location
}

output appId string = app.id
output appPrincipalId string = app.properties.principalId
output appClientId string = app.properties.clientId
output deliveryId string = delivery.id
output deliveryPrincipalId string = delivery.properties.principalId
