// Qdrant as a container app inside the environment: gRPC (6334) on internal ingress only, data on an Azure Files
// share, the API key from Key Vault. One replica: Qdrant scales as a cluster of its own, not by copies.

@description('Region of the app.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the container app.')
param name string

@description('Id of the Container Apps environment.')
param environmentId string

@description('Name of the environment\'s Azure Files storage that holds /qdrant/storage.')
param storageName string

@description('Qdrant image.')
param image string

@description('Resource id of the user-assigned identity that reads the API key from Key Vault.')
param identityId string

@description('Key Vault secret URI of the API key.')
param apiKeySecretUri string

resource qdrant 'Microsoft.App/containerApps@2026-07-01' = {
  name: name
  location: location
  tags: tags
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
        external: false
        targetPort: 6334
        transport: 'http2'
        allowInsecure: false
      }
      secrets: [
        {
          name: 'qdrant-api-key'
          keyVaultUrl: apiKeySecretUri
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'qdrant'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: [
            {
              name: 'QDRANT__SERVICE__API_KEY'
              secretRef: 'qdrant-api-key'
            }
          ]
          volumeMounts: [
            {
              volumeName: 'storage'
              mountPath: '/qdrant/storage'
            }
          ]
          // Qdrant's own health endpoints on its REST port (they need no API key).
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/livez'
                port: 6333
              }
              initialDelaySeconds: 5
              periodSeconds: 10
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: 6333
              }
              initialDelaySeconds: 5
              periodSeconds: 10
            }
          ]
        }
      ]
      volumes: [
        {
          name: 'storage'
          storageType: 'AzureFile'
          storageName: storageName
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

// Internal ingress terminates TLS on 443 and speaks HTTP/2 to Qdrant's gRPC port.
output endpoint string = 'https://${qdrant.properties.configuration.ingress.fqdn}'
