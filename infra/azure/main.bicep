// Pipeline on Azure: the Functions app (Flex Consumption) for HTTP, timers and durable orchestrations; Event Hubs
// (Kafka endpoint) for topics github.events / github.events.dlq; Cosmos DB for MongoDB as the document store;
// Storage for the Functions host, task hub and blobs; Key Vault holding every secret (app settings are Key Vault
// references); Application Insights; and the Kafka consumer as a KEDA-scaled Azure Container App.
//   az deployment group create -g <rg> -f infra/azure/main.bicep -p githubWebhookSecret=... mlApiKey=...
// Outputs fill the REPLACE_ placeholders of infra/k8s/overlays/aks when the consumer runs on AKS instead.
targetScope = 'resourceGroup'

@description('Short name used in every resource name.')
@minLength(3)
@maxLength(12)
param namePrefix string = 'pipeline'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Partitions of github.events: the consumer scales to at most this many replicas (KEDA maxReplicaCount in infra/k8s and here).')
@minValue(1)
@maxValue(32)
param eventsPartitionCount int = 12

@description('Partitions of the dead-letter hub github.events.dlq.')
param deadLetterPartitionCount int = 3

@description('Durable Functions task hub name (letters and digits).')
param durableTaskHubName string = 'pipeline'

@description('Repository polled by the timer function (owner/name).')
param pollerRepository string = 'dotnet/runtime'

@description('NCRONTAB schedule of the poller.')
param pollerSchedule string = '0 */5 * * * *'

@description('NCRONTAB schedule of the aggregation orchestrator.')
param analyticsSchedule string = '0 0 * * * *'

@description('Aggregation engine: duckdb inside the Functions app, or spark-k8s when an AKS cluster runs the Spark Operator.')
@allowed(['duckdb', 'spark-k8s'])
param analyticsEngine string = 'duckdb'

@description('GitHub webhook secret (HMAC key for X-Hub-Signature-256).')
@secure()
param githubWebhookSecret string

@description('GitHub token for the poller; empty runs unauthenticated.')
@secure()
param githubToken string = ''

@description('API key the predict endpoint requires.')
@secure()
param mlApiKey string

@description('Where drift alerts are posted; empty logs only.')
@secure()
param mlAlertWebhookUrl string = ''
@secure()
@description('SMTP password for administrator e-mail (Alerts:Smtp:Password); the host and addresses are app settings.')
param alertsSmtpPassword string = ''
@secure()
@description('GitHub App private key (PEM) for redelivering failed deliveries of the app hook (GitHub:Redelivery:PrivateKey).')
param githubAppPrivateKey string = ''

@description('Functions host keys for the AKS deployment (Secret pipeline-functions-keys); generated when not given.')
@secure()
param functionsHostMasterKey string = newGuid()
@secure()
param functionsHostFunctionKey string = newGuid()
@secure()
param functionsHostSystemKey string = newGuid()
@secure()
param functionsHostDurableTaskKey string = newGuid()

@description('Consumer image (pushed by .github/workflows/release.yml), e.g. ghcr.io/<owner>/pipeline-worker:1.2.3.')
param consumerImage string = 'ghcr.io/example-org/pipeline-worker:0.1.0'

@description('Spark image for the trend jobs (docker/Dockerfile.spark, pushed by .github/workflows/release.yml), e.g. ghcr.io/<owner>/pipeline-spark:1.2.3.')
param sparkImage string = 'ghcr.io/example-org/pipeline-spark:0.1.0'

@description('OIDC issuer URL of an AKS cluster running infra/k8s/overlays/aks; empty skips the workload identity federation.')
param aksOidcIssuerUrl string = ''

@description('Maximum Functions instances (Flex Consumption).')
param functionsMaximumInstanceCount int = 40

var suffix = uniqueString(resourceGroup().id, namePrefix)
var names = {
  identity: 'id-${namePrefix}-${suffix}'
  storage: take(toLower('st${replace(namePrefix, '-', '')}${suffix}'), 24)
  eventHubs: 'evhns-${namePrefix}-${suffix}'
  cosmos: take('cosmon-${namePrefix}-${suffix}', 44)
  keyVault: take('kv-${namePrefix}-${suffix}', 24)
  logs: 'log-${namePrefix}-${suffix}'
  insights: 'appi-${namePrefix}-${suffix}'
  plan: 'asp-${namePrefix}-${suffix}'
  functionApp: 'func-${namePrefix}-${suffix}'
  containerEnv: 'cae-${namePrefix}-${suffix}'
  consumer: 'ca-${namePrefix}-consumer'
}

// One user-assigned identity for the Functions app, the consumer and (federated) the AKS workloads: reads Key Vault,
// owns the Functions deployment container.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    logAnalyticsName: names.logs
    appInsightsName: names.insights
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    storageAccountName: names.storage
    principalId: identity.properties.principalId
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    location: location
    namespaceName: names.eventHubs
    eventsPartitionCount: eventsPartitionCount
    deadLetterPartitionCount: deadLetterPartitionCount
    consumerGroup: 'pipeline-consumer'
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    location: location
    accountName: names.cosmos
    databaseName: 'pipeline'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    keyVaultName: names.keyVault
    readerPrincipalId: identity.properties.principalId
    storageAccountName: storage.outputs.storageAccountName
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
    eventHubsAuthorizationRuleName: eventHubs.outputs.appAuthorizationRuleName
    cosmosAccountName: cosmos.outputs.accountName
    githubWebhookSecret: githubWebhookSecret
    githubToken: githubToken
    mlApiKey: mlApiKey
    mlAlertWebhookUrl: mlAlertWebhookUrl
    alertsSmtpPassword: alertsSmtpPassword
    githubAppPrivateKey: githubAppPrivateKey
    functionsHostMasterKey: functionsHostMasterKey
    functionsHostFunctionKey: functionsHostFunctionKey
    functionsHostSystemKey: functionsHostSystemKey
    functionsHostDurableTaskKey: functionsHostDurableTaskKey
  }
}

// Settings shared by the Functions app and the consumer; secrets are Key Vault references.
var kafkaBootstrapServers = '${eventHubs.outputs.namespaceName}.servicebus.windows.net:9093'

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    planName: names.plan
    functionAppName: names.functionApp
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.storageAccountName
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    keyVaultSecretUris: keyVault.outputs.secretUris
    kafkaBootstrapServers: kafkaBootstrapServers
    durableTaskHubName: durableTaskHubName
    pollerRepository: pollerRepository
    pollerSchedule: pollerSchedule
    analyticsEngine: analyticsEngine
    analyticsSchedule: analyticsSchedule
    sparkImage: sparkImage
    maximumInstanceCount: functionsMaximumInstanceCount
  }
}

module consumer 'modules/consumer.bicep' = {
  name: 'consumer'
  params: {
    location: location
    environmentName: names.containerEnv
    containerAppName: names.consumer
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    identityId: identity.id
    image: consumerImage
    keyVaultSecretUris: keyVault.outputs.secretUris
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    kafkaBootstrapServers: kafkaBootstrapServers
    durableTaskHubName: durableTaskHubName
    pollerRepository: pollerRepository
    pollerSchedule: pollerSchedule
    storageAccountName: storage.outputs.storageAccountName
    analyticsEngine: analyticsEngine
    analyticsSchedule: analyticsSchedule
    sparkImage: sparkImage
    maxReplicas: eventsPartitionCount
  }
}

// AKS workload identity: the overlay's ServiceAccounts exchange their tokens for this identity.
resource aksFederationFunctions 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = if (!empty(aksOidcIssuerUrl)) {
  parent: identity
  name: 'aks-pipeline-functions'
  properties: {
    issuer: aksOidcIssuerUrl
    subject: 'system:serviceaccount:pipeline:pipeline-functions'
    audiences: ['api://AzureADTokenExchange']
  }
}

resource aksFederationConsumer 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = if (!empty(aksOidcIssuerUrl)) {
  parent: identity
  name: 'aks-pipeline-consumer'
  properties: {
    issuer: aksOidcIssuerUrl
    subject: 'system:serviceaccount:pipeline:pipeline-consumer'
    audiences: ['api://AzureADTokenExchange']
  }
  dependsOn: [aksFederationFunctions]
}

output functionAppName string = functionApp.outputs.functionAppName
output functionAppUrl string = functionApp.outputs.defaultUrl
output keyVaultName string = keyVault.outputs.keyVaultName
output eventHubsNamespace string = eventHubs.outputs.namespaceName
output kafkaBootstrapServers string = kafkaBootstrapServers
output cosmosAccountName string = cosmos.outputs.accountName
output storageAccountName string = storage.outputs.storageAccountName
output workloadIdentityClientId string = identity.properties.clientId
output tenantId string = subscription().tenantId
output consumerAppName string = consumer.outputs.containerAppName
