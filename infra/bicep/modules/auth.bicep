// App Service authentication (Entra ID) in front of the review UI. The app roles (coordinator, oov,
// dpia-reviewer, admin) live in the Entra app registration; MFA is enforced by Conditional Access there.
@description('Function App name.')
param appName string

@description('Client id of the Entra app registration for the review UI.')
param clientId string

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
    }
    httpSettings: { requireHttps: true }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: clientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: { allowedAudiences: [ 'api://${clientId}' ] }
      }
    }
    login: { tokenStore: { enabled: false } }
  }
}
