// Key Vault (RBAC authorisation) holding every secret Pipeline uses. Connection strings are read from the resources
// at deployment time and never leave Azure; the app identity may read secrets, nothing else.
// Secret names match the objects of infra/k8s/overlays/aks/secretproviderclass.yaml (a test checks it).
param location string
param keyVaultName string
param readerPrincipalId string
param storageAccountName string
param eventHubsNamespaceName string
param eventHubsAuthorizationRuleName string
param cosmosAccountName string
@secure()
param githubWebhookSecret string
@secure()
param githubToken string
@secure()
param mlApiKey string
@secure()
param mlAlertWebhookUrl string
@secure()
@description('SMTP password for administrator e-mail (Alerts:Smtp:Password); empty: no secret is created.')
param alertsSmtpPassword string = ''
@secure()
param githubAppPrivateKey string = ''
@secure()
param functionsHostMasterKey string
@secure()
param functionsHostFunctionKey string
@secure()
param functionsHostSystemKey string
@secure()
param functionsHostDurableTaskKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
  }
}

// Key Vault Secrets User: read secret values (Key Vault references, Container Apps secrets, the AKS CSI driver).
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
  }
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource eventHubsRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' existing = {
  name: '${eventHubsNamespaceName}/${eventHubsAuthorizationRuleName}'
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosAccountName
}

resource storageConnectionString 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storageAccount.name};AccountKey=${storageAccount.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

// Spark on AKS (hadoop-azure shared key): synced into Secret pipeline-analytics-storage by the aks overlay.
resource storageAccountNameSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-account-name'
  properties: {
    value: storageAccount.name
  }
}

resource storageAccountKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-account-key'
  properties: {
    value: storageAccount.listKeys().keys[0].value
  }
}

resource mongoConnectionString 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mongo-connection-string'
  properties: {
    value: cosmosAccount.listConnectionStrings().connectionStrings[0].connectionString
  }
}

// Event Hubs' Kafka endpoint: SASL PLAIN, user "$ConnectionString", password = this connection string.
resource eventHubsConnectionString 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'eventhubs-connection-string'
  properties: {
    value: eventHubsRule.listKeys().primaryConnectionString
  }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'github-webhook-secret'
  properties: {
    value: githubWebhookSecret
  }
}

resource mlKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'ml-api-key'
  properties: {
    value: mlApiKey
  }
}

// Optional values: Key Vault cannot hold an empty secret, so these exist only when given (the apps then get '').
resource token 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(githubToken)) {
  parent: vault
  name: 'github-token'
  properties: {
    value: githubToken
  }
}

resource githubAppKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(githubAppPrivateKey)) {
  parent: vault
  name: 'github-app-private-key'
  properties: {
    value: githubAppPrivateKey
  }
}

resource alertsSmtp 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(alertsSmtpPassword)) {
  parent: vault
  name: 'alerts-smtp-password'
  properties: {
    value: alertsSmtpPassword
  }
}

resource alertWebhook 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(mlAlertWebhookUrl)) {
  parent: vault
  name: 'ml-alert-webhook-url'
  properties: {
    value: mlAlertWebhookUrl
  }
}

// Functions host keys for the AKS deployment (Secret pipeline-functions-keys via the CSI driver).
resource hostMasterKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'functions-host-master-key'
  properties: {
    value: functionsHostMasterKey
  }
}

resource hostFunctionKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'functions-host-function-key'
  properties: {
    value: functionsHostFunctionKey
  }
}

resource hostSystemKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'functions-host-system-key'
  properties: {
    value: functionsHostSystemKey
  }
}

resource hostDurableTaskKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'functions-host-durabletask-key'
  properties: {
    value: functionsHostDurableTaskKey
  }
}

output keyVaultName string = vault.name
// Unversioned URIs: Key Vault references follow secret rotation.
output secretUris object = {
  storageConnectionString: storageConnectionString.properties.secretUri
  mongoConnectionString: mongoConnectionString.properties.secretUri
  eventHubsConnectionString: eventHubsConnectionString.properties.secretUri
  githubWebhookSecret: webhookSecret.properties.secretUri
  githubToken: token.?properties.secretUri ?? ''
  mlApiKey: mlKey.properties.secretUri
  mlAlertWebhookUrl: alertWebhook.?properties.secretUri ?? ''
  alertsSmtpPassword: alertsSmtp.?properties.secretUri ?? ''
  githubAppPrivateKey: githubAppKey.?properties.secretUri ?? ''
}
