// Key Vault (RBAC) with the app's secrets. The container apps read them through Key Vault references with the
// user-assigned identity, so no secret value is ever part of a container app's configuration or an output.

@description('Region of the vault.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the vault (3-24 characters, globally unique).')
param name string

@description('Principal id of the identity that reads the secrets.')
param principalId string

@secure()
@description('Key of the embedded Direct Line endpoint\'s tokens (DirectLine__TokenSecret).')
param directLineTokenSecret string

@secure()
@description('Qdrant API key (Qdrant__ApiKey).')
param qdrantApiKey string

// Key Vault Secrets User: read secret values, nothing else.
var secretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource directLineSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'directline-token-secret'
  properties: {
    value: directLineTokenSecret
    contentType: 'text/plain'
  }
}

resource qdrantSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'qdrant-api-key'
  properties: {
    value: qdrantApiKey
    contentType: 'text/plain'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, secretsUserRole)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRole)
  }
}

output name string = vault.name
output directLineSecretUri string = directLineSecret.properties.secretUri
output qdrantSecretUri string = qdrantSecret.properties.secretUri
