// The assistant's host as a container app: external ingress on 8080, health probes, secrets from Key Vault,
// configuration in the ASP.NET Core form Section__Key.

@description('Region of the app.')
param location string

@description('Tags for every resource (the azd-service-name tag is added here).')
param tags object

@description('Name of the container app.')
param name string

@description('Id of the Container Apps environment.')
param environmentId string

@description('Image to run; empty: a placeholder until the first azd deploy (no probes then: it serves neither /healthz nor /readyz).')
param image string

@description('Login server of the registry the image is pulled from with the identity.')
param registryServer string

@description('The user-assigned identity: its resource id and client id.')
param identityId string

@description('Client id of the identity (AZURE_CLIENT_ID, MicrosoftAppId).')
param identityClientId string

@description('Tenant of the identity (MicrosoftAppTenantId).')
param identityTenantId string

@minValue(0)
@description('Fewest replicas.')
param minReplicas int

@minValue(1)
@description('Most replicas; also Hosting__Replicas.')
param maxReplicas int

@description('CPU cores of one replica, e.g. 1.0.')
param cpu string

@description('Memory of one replica, e.g. 2Gi (Container Apps wants 2 GiB per core).')
param memory string

@description('Qdrant gRPC endpoint (Qdrant__Endpoint).')
param qdrantEndpoint string

@description('Key Vault secret URI of the Qdrant API key.')
param qdrantApiKeySecretUri string

@description('Key Vault secret URI of the Direct Line token key.')
param directLineSecretUri string

@description('Azure OpenAI endpoint and deployments.')
param openAIEndpoint string
param chatDeployment string
param embeddingDeployment string

@description('Dimensions asked of the embedding deployment (AzureOpenAI__EmbeddingDimensions).')
param embeddingDimensions int

@description('Blob and table endpoints of the storage account.')
param blobServiceUri string
param tableServiceUri string

@description('Blob container of the conversation state and table of the review log.')
param stateContainerName string
param reviewTableName string

@description('Application Insights connection string.')
param appInsightsConnectionString string

var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
var usePlaceholder = empty(image)

var probes = [
  {
    type: 'Liveness'
    httpGet: {
      path: '/healthz'
      port: 8080
    }
    initialDelaySeconds: 5
    periodSeconds: 10
  }
  {
    // /readyz answers 200 once the index is open (built at start when missing).
    type: 'Readiness'
    httpGet: {
      path: '/readyz'
      port: 8080
    }
    initialDelaySeconds: 5
    periodSeconds: 5
    failureThreshold: 3
  }
  {
    // Up to 150 s to start listening (Container Apps allows at most 10 failures, 240 s apart).
    type: 'Startup'
    httpGet: {
      path: '/healthz'
      port: 8080
    }
    periodSeconds: 15
    failureThreshold: 10
  }
]

resource app 'Microsoft.App/containerApps@2026-07-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'assistant' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'qdrant-api-key'
          keyVaultUrl: qdrantApiKeySecretUri
          identity: identityId
        }
        {
          name: 'directline-token-secret'
          keyVaultUrl: directLineSecretUri
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'assistant'
          image: usePlaceholder ? placeholderImage : image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: [
            { name: 'ASPNETCORE_URLS', value: 'http://+:8080' }
            { name: 'Index__Provider', value: 'qdrant' }
            { name: 'Qdrant__Endpoint', value: qdrantEndpoint }
            { name: 'Qdrant__ApiKey', secretRef: 'qdrant-api-key' }
            { name: 'AzureOpenAI__Endpoint', value: openAIEndpoint }
            { name: 'AzureOpenAI__ChatDeployment', value: chatDeployment }
            { name: 'AzureOpenAI__EmbeddingDeployment', value: embeddingDeployment }
            { name: 'AzureOpenAI__EmbeddingDimensions', value: string(embeddingDimensions) }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
            { name: 'MicrosoftAppId', value: identityClientId }
            { name: 'MicrosoftAppTenantId', value: identityTenantId }
            { name: 'DirectLine__TokenSecret', secretRef: 'directline-token-secret' }
            { name: 'Storage__Provider', value: 'azure' }
            { name: 'Storage__BlobServiceUri', value: blobServiceUri }
            { name: 'Storage__TableServiceUri', value: tableServiceUri }
            { name: 'Storage__StateContainer', value: stateContainerName }
            { name: 'Storage__ReviewTable', value: reviewTableName }
            { name: 'Hosting__Replicas', value: string(maxReplicas) }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
          ]
          probes: usePlaceholder ? [] : probes
          volumeMounts: [
            {
              volumeName: 'data'
              mountPath: '/data'
            }
          ]
        }
      ]
      // Per-replica scratch space for Assistant__Index=/data/index.db's folder (bot state lives in Storage).
      volumes: [
        {
          name: 'data'
          storageType: 'EmptyDir'
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http'
            http: {
              metadata: {
                concurrentRequests: '50'
              }
            }
          }
        ]
      }
    }
  }
}

output name string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
