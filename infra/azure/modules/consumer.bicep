// The Kafka consumer in Azure: the local-host image with Host__Role=consumer as an Azure Container App, scaled by
// KEDA's Kafka scaler on the consumer group's lag against Event Hubs' Kafka endpoint (SASL PLAIN over TLS).
// (The Functions app cannot host it: the Kafka/Event Hubs Functions extensions are not used, see ARCHITECTURE.md.)
param location string
param environmentName string
param containerAppName string
param logAnalyticsWorkspaceId string
param identityId string
param image string
param keyVaultSecretUris object
param appInsightsConnectionString string
param kafkaBootstrapServers string
param durableTaskHubName string
param pollerRepository string
param pollerSchedule string
param analyticsEngine string
param analyticsSchedule string
@description('At most one replica per partition of github.events.')
param maxReplicas int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: last(split(logAnalyticsWorkspaceId, '/'))
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

var requiredSecrets = [
  { name: 'storage-connection-string', keyVaultUrl: keyVaultSecretUris.storageConnectionString, identity: identityId }
  { name: 'mongo-connection-string', keyVaultUrl: keyVaultSecretUris.mongoConnectionString, identity: identityId }
  { name: 'eventhubs-connection-string', keyVaultUrl: keyVaultSecretUris.eventHubsConnectionString, identity: identityId }
  { name: 'github-webhook-secret', keyVaultUrl: keyVaultSecretUris.githubWebhookSecret, identity: identityId }
  { name: 'ml-api-key', keyVaultUrl: keyVaultSecretUris.mlApiKey, identity: identityId }
  // Event Hubs' fixed SASL user name, a secret only because KEDA reads `username` from auth parameters.
  { name: 'kafka-sasl-username', value: '$ConnectionString' }
]
var optionalSecrets = concat(
  empty(keyVaultSecretUris.githubToken) ? [] : [{ name: 'github-token', keyVaultUrl: keyVaultSecretUris.githubToken, identity: identityId }],
  empty(keyVaultSecretUris.mlAlertWebhookUrl) ? [] : [{ name: 'ml-alert-webhook-url', keyVaultUrl: keyVaultSecretUris.mlAlertWebhookUrl, identity: identityId }]
)

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: containerAppName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      secrets: concat(requiredSecrets, optionalSecrets)
    }
    template: {
      containers: [
        {
          name: 'consumer'
          image: image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            { name: 'Host__Role', value: 'consumer' }
            { name: 'AzureWebJobsStorage', secretRef: 'storage-connection-string' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
            { name: 'DurableTask__HubName', value: durableTaskHubName }
            { name: 'Store__Provider', value: 'mongo' }
            { name: 'Store__MongoConnectionString', secretRef: 'mongo-connection-string' }
            { name: 'Store__MongoDatabase', value: 'pipeline' }
            { name: 'Kafka__BootstrapServers', value: kafkaBootstrapServers }
            { name: 'Kafka__Topic', value: 'github.events' }
            { name: 'Kafka__DeadLetterTopic', value: 'github.events.dlq' }
            { name: 'Kafka__ConsumerGroup', value: 'pipeline-consumer' }
            { name: 'Kafka__SecurityProtocol', value: 'SaslSsl' }
            { name: 'Kafka__SaslMechanism', value: 'Plain' }
            { name: 'Kafka__SaslUsername', value: '$ConnectionString' }
            { name: 'Kafka__SaslPassword', secretRef: 'eventhubs-connection-string' }
            { name: 'GitHub__WebhookSecret', secretRef: 'github-webhook-secret' }
            empty(keyVaultSecretUris.githubToken) ? { name: 'GitHub__Token', value: '' } : { name: 'GitHub__Token', secretRef: 'github-token' }
            { name: 'Poller__Repositories__0', value: pollerRepository }
            { name: 'Poller__Schedule', value: pollerSchedule }
            { name: 'Analytics__Engine', value: analyticsEngine }
            { name: 'Analytics__Schedule', value: analyticsSchedule }
            { name: 'Ml__ApiKey', secretRef: 'ml-api-key' }
            empty(keyVaultSecretUris.mlAlertWebhookUrl) ? { name: 'Ml__AlertWebhookUrl', value: '' } : { name: 'Ml__AlertWebhookUrl', secretRef: 'ml-alert-webhook-url' }
          ]
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/api/health', port: 7071 }
              periodSeconds: 5
              failureThreshold: 36
            }
            {
              type: 'Readiness'
              httpGet: { path: '/api/health', port: 7071 }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Liveness'
              httpGet: { path: '/api/health', port: 7071 }
              periodSeconds: 20
              failureThreshold: 6
            }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'kafka-lag'
            custom: {
              type: 'kafka'
              metadata: {
                bootstrapServers: kafkaBootstrapServers
                consumerGroup: 'pipeline-consumer'
                topic: 'github.events'
                lagThreshold: '500'
                activationLagThreshold: '10'
                offsetResetPolicy: 'earliest'
                sasl: 'plaintext'
                tls: 'enable'
              }
              auth: [
                { secretRef: 'kafka-sasl-username', triggerParameter: 'username' }
                { secretRef: 'eventhubs-connection-string', triggerParameter: 'password' }
              ]
            }
          }
        ]
      }
    }
  }
}

output containerAppName string = app.name
