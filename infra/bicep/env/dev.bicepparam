using '../main.bicep'

param prefix = 'sp-gm-dev'
param location = 'westeurope'
param territory = '1771'
param authClientId = '00000000-0000-0000-0000-000000000000'
param auditImmutabilityDays = 30
param maximumInstanceCount = 2
