using '../main.bicep'

param prefix = 'sp-gm-prod'
param location = 'westeurope'
param territory = '1771'
param authClientId = readEnvironmentVariable('SIGNALPIPELINE_AUTH_CLIENT_ID', '00000000-0000-0000-0000-000000000000')
param auditImmutabilityDays = 730
param maximumInstanceCount = 10
