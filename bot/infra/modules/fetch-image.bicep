// The image a container app runs now, so that provisioning again (azd provision) keeps what azd deploy put there.

@description('Name of the container app.')
param name string

@description('Whether the app exists; when false, no image is returned.')
param exists bool

resource existingApp 'Microsoft.App/containerApps@2026-07-01' existing = if (exists) {
  name: name
}

output image string = exists ? existingApp!.properties.template.containers[0].image : ''
