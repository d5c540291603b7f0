// Container registry the host's image is pushed to (azd deploy, or dotnet publish with ContainerRegistry);
// the container app pulls with the user-assigned identity, so the admin user stays off.

@description('Region of the registry.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the registry (5-50 letters and digits, globally unique).')
param name string

@description('Principal id of the identity that pulls images.')
param principalId string

// AcrPull: pull images, nothing else.
var acrPullRole = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, acrPullRole)
  scope: registry
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRole)
  }
}

output name string = registry.name
output loginServer string = registry.properties.loginServer
