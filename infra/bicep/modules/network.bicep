// The private network: the two Function Apps integrate into their own subnets, and storage and Key Vault are
// reached only through private endpoints in a third, resolved by private DNS zones linked to the network.
@description('Name prefix.')
param prefix string

@description('Azure region.')
param location string

@description('Address space of the virtual network.')
param addressPrefix string = '10.40.0.0/16'

var zones = [
  'privatelink.blob.${environment().suffixes.storage}'
  'privatelink.queue.${environment().suffixes.storage}'
  'privatelink.table.${environment().suffixes.storage}'
  'privatelink.vaultcore.azure.net'
]

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${prefix}-vnet'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [ addressPrefix ] }
    subnets: [
      {
        name: 'pipeline'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [ { name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } } ]
        }
      }
      {
        name: 'review'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          delegations: [ { name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } } ]
        }
      }
      {
        name: 'private-endpoints'
        properties: { addressPrefix: cidrSubnet(addressPrefix, 24, 2) }
      }
    ]
  }
}

resource dnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [for z in zones: {
  name: z
  location: 'global'
}]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [for (z, i) in zones: {
  parent: dnsZones[i]
  name: '${prefix}-link'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: vnet.id }
  }
}]

output pipelineSubnetId string = vnet.properties.subnets[0].id
output reviewSubnetId string = vnet.properties.subnets[1].id
output endpointSubnetId string = vnet.properties.subnets[2].id
output blobZoneId string = dnsZones[0].id
output queueZoneId string = dnsZones[1].id
output tableZoneId string = dnsZones[2].id
output vaultZoneId string = dnsZones[3].id
