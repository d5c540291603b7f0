// The Container Apps environment: logs to Log Analytics and, with the in-environment Qdrant, the Azure Files
// share that Qdrant keeps its data on.

@description('Region of the environment.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the environment.')
param name string

@description('Log Analytics workspace that receives the container logs.')
param logAnalyticsName string

@description('Storage account of the Qdrant share.')
param storageAccountName string

@description('File share mounted at /qdrant/storage; empty: none.')
param qdrantShareName string

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2026-03-01' existing = {
  name: logAnalyticsName
}

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource environment 'Microsoft.App/managedEnvironments@2026-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalytics.properties.customerId
        sharedKey: logAnalytics.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

// Azure Files mounts of Container Apps authenticate with the account key (kept inside the environment).
resource qdrantStorage 'Microsoft.App/managedEnvironments/storages@2026-07-01' = if (!empty(qdrantShareName)) {
  parent: environment
  name: 'qdrant'
  properties: {
    azureFile: {
      accountName: storage.name
      accountKey: storage.listKeys().keys[0].value
      shareName: qdrantShareName
      accessMode: 'ReadWrite'
    }
  }
}

output id string = environment.id
output name string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output qdrantStorageName string = empty(qdrantShareName) ? '' : qdrantStorage.name
