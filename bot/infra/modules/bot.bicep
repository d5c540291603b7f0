// Azure Bot: the bot's identity is the user-assigned managed identity (single tenant, no app password);
// Teams and Direct Line channels deliver to the container app's /api/messages.

@description('Tags for every resource.')
param tags object

@description('Name of the bot (globally unique).')
param name string

@description('Name shown in Teams and Web Chat.')
param displayName string

@allowed([
  'F0'
  'S1'
])
@description('Pricing tier: F0 (free, standard channels unlimited, premium channels capped) or S1.')
param sku string

@description('Messaging endpoint, https://<app fqdn>/api/messages.')
param endpoint string

@description('The identity the bot signs in as: resource id, client id and tenant.')
param identityId string
param identityClientId string
param identityTenantId string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: endpoint
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityId
    msaAppTenantId: identityTenantId
    publicNetworkAccess: 'Enabled'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Azure Bot Service's Direct Line: the one to use with several replicas (the host's embedded Direct Line keeps
// its conversations in one process). Its site keys stay in the portal; they are never outputs.
resource directLine 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'Web Chat'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          isSecureSiteEnabled: false
          isBlockUserUploadEnabled: true
        }
      ]
    }
  }
}

output name string = bot.name
