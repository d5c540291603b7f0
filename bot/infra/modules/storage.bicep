// Storage shared by every replica: a blob container for Bot Framework conversation state, a table for feedback
// and the question log, and (with the in-environment Qdrant) a file share for Qdrant's data.

@description('Region of the account.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the storage account (3-24 lowercase letters and digits, globally unique).')
param name string

@description('Principal id of the identity that reads and writes state and the review log.')
param principalId string

@description('Blob container of the Bot Framework conversation state.')
param stateContainerName string

@description('Table of feedback and the question log.')
param reviewTableName string

@description('File share mounted at /qdrant/storage; empty: no share (Qdrant runs elsewhere).')
param qdrantShareName string

// Storage Blob Data Contributor, Storage Table Data Contributor.
var blobContributorRole = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var tableContributorRole = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource account 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // The app uses its identity; only the Azure Files mount of the Container Apps environment needs the account key.
    allowSharedKeyAccess: !empty(qdrantShareName)
    publicNetworkAccess: 'Enabled'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: account
  name: 'default'
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: blobs
  name: stateContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2026-09-01' = {
  parent: account
  name: 'default'
}

resource reviewTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-09-01' = {
  parent: tables
  name: reviewTableName
}

resource files 'Microsoft.Storage/storageAccounts/fileServices@2026-09-01' = if (!empty(qdrantShareName)) {
  parent: account
  name: 'default'
}

resource qdrantShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2026-09-01' = if (!empty(qdrantShareName)) {
  parent: files
  name: empty(qdrantShareName) ? 'unused' : qdrantShareName
  properties: {
    shareQuota: 100
    enabledProtocols: 'SMB'
  }
}

resource blobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, blobContributorRole)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobContributorRole)
  }
}

resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, tableContributorRole)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableContributorRole)
  }
}

output name string = account.name
output blobServiceUri string = account.properties.primaryEndpoints.blob
output tableServiceUri string = account.properties.primaryEndpoints.table
