// The Functions app on Flex Consumption (Linux, .NET 10 isolated): HTTP triggers, timers, durable orchestrations.
// Runs as the user-assigned identity: Key Vault references in app settings, deployment package in blob storage.
param location string
param planName string
param functionAppName string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param appInsightsConnectionString string
param keyVaultSecretUris object
param kafkaBootstrapServers string
param durableTaskHubName string
param pollerRepository string
param pollerSchedule string
param analyticsEngine string
param analyticsSchedule string
param maximumInstanceCount int
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Flex Consumption takes the worker runtime here; FUNCTIONS_WORKER_RUNTIME is not an app setting on this plan.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Every setting the app reads (settings coverage test); secrets are Key Vault references resolved by the identity.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.storageConnectionString})'
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    AZURE_CLIENT_ID: identityClientId
    DurableTask__HubName: durableTaskHubName
    Store__Provider: 'mongo'
    Store__MongoConnectionString: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.mongoConnectionString})'
    Store__MongoDatabase: 'pipeline'
    Kafka__BootstrapServers: kafkaBootstrapServers
    Kafka__Topic: 'github.events'
    Kafka__DeadLetterTopic: 'github.events.dlq'
    Kafka__ConsumerGroup: 'pipeline-consumer'
    Kafka__SecurityProtocol: 'SaslSsl'
    Kafka__SaslMechanism: 'Plain'
    Kafka__SaslUsername: '$ConnectionString'
    Kafka__SaslPassword: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.eventHubsConnectionString})'
    GitHub__WebhookSecret: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.githubWebhookSecret})'
    GitHub__Token: empty(keyVaultSecretUris.githubToken) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.githubToken})'
    Poller__Repositories__0: pollerRepository
    Poller__Schedule: pollerSchedule
    Analytics__Engine: analyticsEngine
    Analytics__Schedule: analyticsSchedule
    Ml__ApiKey: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.mlApiKey})'
    Ml__AlertWebhookUrl: empty(keyVaultSecretUris.mlAlertWebhookUrl) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.mlAlertWebhookUrl})'
  }
}

output functionAppName string = site.name
output defaultUrl string = 'https://${site.properties.defaultHostName}'
