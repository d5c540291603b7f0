// The assistant on Azure: the host on Container Apps (several replicas) with Qdrant, Azure OpenAI, shared state in
// Storage, secrets in Key Vault, telemetry in Application Insights, and an Azure Bot for Teams and Direct Line.
// Deploy with `azd up` (bot/azure.yaml) or `az deployment group create`; see README.md beside this file.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd: AZURE_ENV_NAME); it seeds every resource name and tags the resources.')
param environmentName string

@description('Region of every resource but the bot (global) and, when openAILocation is set, Azure OpenAI.')
param location string = resourceGroup().location

// Host.

@description('Image of the host, e.g. <registry>.azurecr.io/assistant:1.0. Empty: the image running now (azd), else a placeholder until the first deploy.')
param appImage string = ''

@description('Whether the host app exists already (azd: SERVICE_ASSISTANT_RESOURCE_EXISTS), so that provisioning again keeps its image.')
param appExists bool = false

@minValue(0)
@maxValue(300)
@description('Fewest replicas of the host.')
param minReplicas int = 1

@minValue(1)
@maxValue(300)
@description('Most replicas of the host.')
param maxReplicas int = 3

@description('CPU cores of one replica.')
param appCpu string = '1.0'

@description('Memory of one replica (2 GiB per core).')
param appMemory string = '2Gi'

// Secrets: stored in Key Vault, read by the apps through Key Vault references.

@secure()
@minLength(32)
@metadata({ azd: { type: 'generate', config: { length: 48 } } })
@description('Key that signs the embedded Direct Line endpoint\'s tokens (DirectLine__TokenSecret), 32+ characters.')
param directLineTokenSecret string

@secure()
@minLength(16)
@metadata({ azd: { type: 'generate', config: { length: 48 } } })
@description('Qdrant API key: set on the Qdrant app deployed here, or the key of the Qdrant at qdrantEndpoint.')
param qdrantApiKey string

// Qdrant.

@description('gRPC endpoint of an existing Qdrant (e.g. https://xyz.cloud.qdrant.io:6334). Empty: run Qdrant as a container app here.')
param qdrantEndpoint string = ''

@description('Qdrant image for the container app (the server should be at least the client\'s version, 1.20).')
param qdrantImage string = 'docker.io/qdrant/qdrant:latest'

// Azure OpenAI.

@description('Region of Azure OpenAI, where the models below are offered; empty: location.')
param openAILocation string = ''

@description('Chat model (AzureOpenAI__ChatDeployment is named after it), version, deployment type and capacity in thousands of tokens per minute.')
param chatModelName string = 'gpt-4.1-mini'
param chatModelVersion string = '2025-04-14'
param chatDeploymentSku string = 'GlobalStandard'
@minValue(1)
param chatDeploymentCapacity int = 30

@description('Embedding model (AzureOpenAI__EmbeddingDeployment is named after it), version, deployment type, capacity and dimensions.')
param embeddingModelName string = 'text-embedding-3-small'
param embeddingModelVersion string = '1'
param embeddingDeploymentSku string = 'Standard'
@minValue(1)
param embeddingDeploymentCapacity int = 30
@minValue(1)
param embeddingDimensions int = 1536

// Bot.

@description('Name shown in Teams and Web Chat.')
param botDisplayName string = 'Assistant'

@allowed([
  'F0'
  'S1'
])
@description('Azure Bot pricing tier.')
param botSku string = 'F0'

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var stateContainerName = 'botstate'
var reviewTableName = 'reviewlog'
var qdrantInEnvironment = empty(qdrantEndpoint)
var appName = 'ca-assistant-${resourceToken}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-assistant-${resourceToken}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    name: 'kv-${resourceToken}'
    principalId: identity.properties.principalId
    directLineTokenSecret: directLineTokenSecret
    qdrantApiKey: qdrantApiKey
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    principalId: identity.properties.principalId
    stateContainerName: stateContainerName
    reviewTableName: reviewTableName
    qdrantShareName: qdrantInEnvironment ? 'qdrant' : ''
  }
}

module openAI 'modules/openai.bicep' = {
  name: 'openai'
  params: {
    location: empty(openAILocation) ? location : openAILocation
    tags: tags
    name: 'oai-${resourceToken}'
    principalId: identity.properties.principalId
    chatModel: {
      name: chatModelName
      version: chatModelVersion
      sku: chatDeploymentSku
      capacity: chatDeploymentCapacity
    }
    embeddingModel: {
      name: embeddingModelName
      version: embeddingModelVersion
      sku: embeddingDeploymentSku
      capacity: embeddingDeploymentCapacity
    }
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    tags: tags
    name: 'cr${resourceToken}'
    principalId: identity.properties.principalId
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    location: location
    tags: tags
    name: 'cae-${resourceToken}'
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    storageAccountName: storage.outputs.name
    qdrantShareName: qdrantInEnvironment ? 'qdrant' : ''
  }
}

module qdrant 'modules/qdrant.bicep' = if (qdrantInEnvironment) {
  name: 'qdrant'
  params: {
    location: location
    tags: tags
    name: 'ca-qdrant-${resourceToken}'
    environmentId: environment.outputs.id
    storageName: environment.outputs.qdrantStorageName
    image: qdrantImage
    identityId: identity.id
    apiKeySecretUri: vault.outputs.qdrantSecretUri
  }
}

module currentImage 'modules/fetch-image.bicep' = {
  name: 'current-image'
  params: {
    name: appName
    exists: appExists
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  params: {
    location: location
    tags: tags
    name: appName
    environmentId: environment.outputs.id
    image: !empty(appImage) ? appImage : currentImage.outputs.image
    registryServer: registry.outputs.loginServer
    identityId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    cpu: appCpu
    memory: appMemory
    qdrantEndpoint: qdrantInEnvironment ? qdrant!.outputs.endpoint : qdrantEndpoint
    qdrantApiKeySecretUri: vault.outputs.qdrantSecretUri
    directLineSecretUri: vault.outputs.directLineSecretUri
    openAIEndpoint: openAI.outputs.endpoint
    chatDeployment: openAI.outputs.chatDeployment
    embeddingDeployment: openAI.outputs.embeddingDeployment
    embeddingDimensions: embeddingDimensions
    blobServiceUri: storage.outputs.blobServiceUri
    tableServiceUri: storage.outputs.tableServiceUri
    stateContainerName: stateContainerName
    reviewTableName: reviewTableName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    tags: tags
    name: 'bot-${resourceToken}'
    displayName: botDisplayName
    sku: botSku
    endpoint: 'https://${app.outputs.fqdn}/api/messages'
    identityId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
  }
}

@description('URL of the host (chat page, /api/ask, /healthz, /readyz).')
output APP_URL string = 'https://${app.outputs.fqdn}'

@description('Name of the Azure Bot (Teams and Direct Line channels).')
output BOT_NAME string = bot.outputs.name

@description('Client id of the user-assigned identity: the bot\'s Microsoft App ID and the app\'s AZURE_CLIENT_ID.')
output IDENTITY_CLIENT_ID string = identity.properties.clientId

@description('Storage account of the conversation state (botstate) and the review log (reviewlog).')
output STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Registry azd pushes the image to.')
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer

@description('Key Vault holding the Direct Line token key and the Qdrant API key.')
output KEY_VAULT_NAME string = vault.outputs.name
