// BlobCreated under extracts/ becomes a message on extract-arrivals. Delivered with the system topic's own
// (system-assigned) identity: the data account's firewall admits Event Grid only as a trusted service with a
// system-assigned identity, and that identity may only add messages to this one queue.
@description('Name prefix.')
param prefix string

@description('Azure region.')
param location string

@description('Data storage account name.')
param dataAccountName string

var queueMessageSender = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a' // Storage Queue Data Message Sender, nothing more

resource dataAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataAccountName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: dataAccount
  name: 'default'
}

resource arrivalsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: queueService
  name: 'extract-arrivals'
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: '${prefix}-extracts-topic'
  location: location
  identity: { type: 'SystemAssigned' }
  properties: {
    source: dataAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource deliveryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: arrivalsQueue
  name: guid(arrivalsQueue.id, topic.id, queueMessageSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueMessageSender)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource arrivals 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'extract-arrivals'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/extracts/blobs/'
    }
    deliveryWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: dataAccount.id
          queueName: arrivalsQueue.name
          queueMessageTimeToLiveInSeconds: 604800
        }
      }
    }
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
  }
  dependsOn: [ deliveryRole ]
}
