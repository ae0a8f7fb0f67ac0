// Placeholder for the deployment (issue 7): storage, Key Vault, identity and role assignments, Function App
// (custom handler), monitoring, Event Grid and authentication each get a module under modules/.
// Today this file only fixes the names the program expects, so they are stated in one place.
targetScope = 'resourceGroup'

@description('Short name used as a prefix for every resource.')
param prefix string = 'signalpipeline'

@description('Azure region.')
param location string = resourceGroup().location

output containers array = [ 'extracts', 'snapshots', 'quarantine', 'audit', 'runs' ]
output queues array = [ 'extract-arrivals', 'phase1-intake', 'phase1-intake-poison' ]
output tables array = [ 'signals', 'signalhistory', 'ingests', 'runs' ]
output namePrefix string = '${prefix}-${location}'
