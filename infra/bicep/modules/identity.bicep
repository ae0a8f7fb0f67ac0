// One user-assigned identity per part, each with only the roles its part needs (roles.bicep): the pipeline
// (ingest, nightly, intake, retention) and the review UI. Event Grid delivers with its system topic's own identity.
@description('Name prefix.')
param prefix string

@description('Azure region.')
param location string

resource pipeline 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-pipeline-id'
  location: location
}

resource review 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-review-id'
  location: location
}

output pipelineId string = pipeline.id
output pipelinePrincipalId string = pipeline.properties.principalId
output pipelineClientId string = pipeline.properties.clientId
output reviewId string = review.id
output reviewPrincipalId string = review.properties.principalId
output reviewClientId string = review.properties.clientId
