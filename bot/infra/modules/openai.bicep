// Azure OpenAI: a chat deployment for the generative answers and an embedding deployment for the index.
// Local (key) authentication is off: the app signs in with its user-assigned identity.

@description('Region of the account (the models must be offered there).')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the account; also its custom subdomain (<name>.openai.azure.com).')
param name string

@description('Principal id of the identity that calls the deployments.')
param principalId string

@description('A model deployment; it is named after its model.')
type modelDeployment = {
  @description('Model name, e.g. gpt-4.1-mini.')
  name: string

  @description('Model version, e.g. 2025-04-14.')
  version: string

  @description('Deployment type: GlobalStandard, Standard, DataZoneStandard, ...')
  sku: string

  @description('Capacity in thousands of tokens per minute.')
  @minValue(1)
  capacity: int
}

@description('The chat deployment (AzureOpenAI__ChatDeployment).')
param chatModel modelDeployment

@description('The embedding deployment (AzureOpenAI__EmbeddingDeployment).')
param embeddingModel modelDeployment

// Cognitive Services OpenAI User: call deployments, nothing else.
var openAIUserRole = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource chat 'Microsoft.CognitiveServices/accounts/deployments@2026-09-01' = {
  parent: account
  name: chatModel.name
  sku: {
    name: chatModel.sku
    capacity: chatModel.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: chatModel.name
      version: chatModel.version
    }
  }
}

// Deployments of one account are created one after the other: the service refuses concurrent changes.
resource embedding 'Microsoft.CognitiveServices/accounts/deployments@2026-09-01' = {
  parent: account
  name: embeddingModel.name
  dependsOn: [chat]
  sku: {
    name: embeddingModel.sku
    capacity: embeddingModel.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: embeddingModel.name
      version: embeddingModel.version
    }
  }
}

resource openAIUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, openAIUserRole)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAIUserRole)
  }
}

output endpoint string = account.properties.endpoint
output chatDeployment string = chat.name
output embeddingDeployment string = embedding.name
