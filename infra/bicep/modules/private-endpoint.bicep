// One private endpoint for one sub-resource (blob, queue, table, vault), registered in its private DNS zone.
@description('Endpoint name.')
param name string

@description('Azure region.')
param location string

@description('Subnet for private endpoints.')
param subnetId string

@description('Resource id of the storage account or vault.')
param targetId string

@description('Sub-resource: blob, queue, table or vault.')
@allowed([ 'blob', 'queue', 'table', 'vault' ])
param groupId string

@description('Private DNS zone of that sub-resource.')
param dnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      { name: name, properties: { privateLinkServiceId: targetId, groupIds: [ groupId ] } }
    ]
  }
}

resource dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [ { name: groupId, properties: { privateDnsZoneId: dnsZoneId } } ]
  }
}
