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
@description('Image of the SparkApplications this app submits (Analytics:Spark:Image).')
param sparkImage string
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
    Poller__GitHubToken: empty(keyVaultSecretUris.githubToken) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.githubToken})'
    Audit__GitHubToken: empty(keyVaultSecretUris.githubToken) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.githubToken})'
    Poller__Repositories__0: pollerRepository
    Poller__Schedule: pollerSchedule
    Analytics__Engine: analyticsEngine
    Analytics__Schedule: analyticsSchedule
    Ml__ApiKey: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.mlApiKey})'
    Ml__Monitor__AlertWebhookUrl: empty(keyVaultSecretUris.mlAlertWebhookUrl) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.mlAlertWebhookUrl})'
    Analytics__ScheduleEnabled: 'true'
    Analytics__MaxParallelJobs: '2'
    Analytics__SnapshotContainer: 'analytics-snapshots'
    Analytics__StorageConnectionString: ''
    Analytics__CacheDirectory: '/tmp/pipeline-analytics'
    Analytics__JobMaxAttempts: '3'
    Analytics__JobFirstRetryInterval: '00:00:10'
    Analytics__TrendsCacheSeconds: '10'
    Analytics__TrendsServeFromMemory: 'true'
    Analytics__Spark__Namespace: 'pipeline'
    Analytics__Spark__Image: sparkImage
    Analytics__Spark__SparkVersion: '3.5.3'
    Analytics__Spark__ServiceAccount: 'spark-driver'
    Analytics__Spark__ApiServer: ''
    Analytics__Spark__TokenFile: ''
    Analytics__Spark__StorageUri: 'abfss://analytics-snapshots@${storageAccountName}.dfs.core.windows.net'
    Analytics__Spark__StorageSecretName: 'pipeline-analytics-storage'
    Analytics__Spark__PollInterval: '00:00:15'
    Analytics__Spark__Timeout: '01:00:00'
    Analytics__Spark__ExecutorInstances: '2'
    Analytics__Spark__DriverMemory: '1g'
    Analytics__Spark__ExecutorMemory: '2g'
    Audit__CloneBaseUrl: 'https://github.com/'
    Audit__WorkDir: '/tmp/pipeline-audit'
    Audit__GitHubApiBaseUrl: 'https://api.github.com/'
    Audit__UseGitHubApi: 'true'
    Audit__GitHubTimeoutSeconds: '20'
    Audit__MaxRunPages: '50'
    Audit__MaxCommits: '0'
    Audit__DefaultTopN: '10'
    Audit__Parallelism: '0'
    Audit__MaxScanBytes: '1000000'
    Audit__AllowedRoots__0: ''
    GitHub__MaxBodyBytes: '26214400'
    GitHub__RequireSignature: 'true'
    GitHub__DuplicateWindow: '00:10:00'
    GitHub__DuplicateCacheSize: '100000'
    GitHub__DurableAcceptance: 'true'
    GitHub__DurableWriteTimeout: '00:00:05'
    GitHub__InboxContainer: 'webhook-inbox'
    GitHub__StorageConnectionString: ''
    GitHub__RelaySweepInterval: '00:01:00'
    GitHub__InboxBatchMaxDeliveries: '256'
    GitHub__InboxBatchMaxBytes: '4194304'
    GitHub__InboxBatchLinger: '00:00:00.002'
    GitHub__InboxMaxConcurrentWrites: '4'
    GitHub__InboxDeleteConcurrency: '4'
    GitHub__InboxCompression: 'true'
    Poller__ApiBaseUrl: 'https://api.github.com/'
    Poller__MinRemainingQuota: '100'
    Poller__MaxPages: '10'
    Poller__PerPage: '100'
    Poller__Resources__0: 'issues'
    Poller__MaxRetries: '4'
    Poller__RetryBaseDelay: '00:00:01'
    Poller__MaxInlineRateLimitWait: '00:00:10'
    Poller__LanguageLookupsPerRun: '20'
    Poller__LanguageLookupInterval: '1.00:00:00'
    Poller__RequestTimeout: '00:00:30'
    Poller__IntervalSeconds: '0'
    Poller__Enabled: 'true'
    GitHub__Redelivery__Hooks__0: ''
    GitHub__Redelivery__Schedule: '0 */10 * * * *'
    GitHub__Redelivery__ScheduleEnabled: 'true'
    GitHub__Redelivery__LookbackHours: '24'
    GitHub__Redelivery__MaxRedeliveriesPerRun: '100'
    GitHub__Redelivery__ApiBaseUrl: 'https://api.github.com/'
    GitHub__Redelivery__AppId: ''
    GitHub__Redelivery__MinRemainingQuota: '100'
    GitHub__Redelivery__MaxInlineRateLimitWait: '00:00:10'
    GitHub__Redelivery__MaxPages: '20'
    GitHub__Redelivery__RequestTimeout: '00:00:30'
    GitHub__Redelivery__Token: empty(keyVaultSecretUris.githubToken) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.githubToken})'
    GitHub__Redelivery__PrivateKey: empty(keyVaultSecretUris.githubAppPrivateKey) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.githubAppPrivateKey})'
    Kafka__ClientId: 'pipeline'
    Kafka__EventHubsConnectionString: ''
    Kafka__ProducerLingerMs: '5'
    Kafka__ProducerBatchSizeBytes: '1000000'
    Kafka__ProducerBatchNumMessages: '10000'
    Kafka__ProducerCompression: 'none'
    Kafka__ProducerDeliveryTimeoutMs: '120000'
    Kafka__ProducerQueueMaxMessages: '200000'
    Kafka__ClaimCheckThresholdBytes: '900000'
    Kafka__ClaimCheckContainer: 'kafka-claims'
    Kafka__StorageConnectionString: ''
    Kafka__ConsumerBatchSize: '1000'
    Kafka__ConsumerMaxParallelWrites: '2'
    Kafka__ConsumerBatchMaxWaitMs: '200'
    Kafka__ConsumerFetchMinBytes: '262144'
    Kafka__ConsumerSessionTimeoutMs: '10000'
    Kafka__ConsumerMaxPollIntervalMs: '300000'
    Kafka__ConsumerAutoOffsetReset: 'earliest'
    Kafka__MaxDeliveryAttempts: '3'
    Kafka__StoreRetryInitialDelayMs: '250'
    Kafka__StoreRetryMaxDelayMs: '15000'
    Backfill__BatchSize: '5000'
    Backfill__BaseUrl: 'https://data.gharchive.org/'
    Backfill__MaxHours: '175680'
    Backfill__HttpTimeout: '00:30:00'
    Backfill__MaxErrorSamples: '20'
    Backfill__MaxParallelFiles: '2'
    Backfill__ChunkFiles: '24'
    Backfill__AllowedRoots__0: ''
    Backfill__AllowedHosts__0: 'data.gharchive.org'
    Backfill__ConfirmStored: 'true'
    Backfill__StoreWaitTimeout: '00:10:00'
    Ml__ArtifactsContainer: 'models'
    Ml__LogPredictionsForOpenedIssues: 'true'
    Ml__TrainAtStartup: 'true'
    Ml__Training__Seed: '42'
    Ml__Training__CvFolds: '3'
    Ml__Training__GridBudgetSeconds: '60'
    Ml__Training__CvMaxRows: '12000'
    Ml__Training__TestFraction: '0.2'
    Ml__Training__MinRealIssues: '500'
    Ml__Training__SyntheticIssues: '4000'
    Ml__Training__MaxIssues: '200000'
    Ml__Training__Trainers: 'Sdca,LightGbm,FastTree'
    Ml__Training__Grid: 'full'
    Ml__Training__MinSliceSize: '20'
    Ml__Training__SelectionTolerance: '0.002'
    Ml__Gate__Margin: '0.005'
    Ml__AllowSyntheticData: 'false'
    Ml__Gate__BaselineMargin: '0.02'
    Ml__Labeler__MinExamples: '30'
    Ml__Labeler__Include: ''
    Ml__Labeler__Exclude: 'needs-triage,triage,good first issue,help wanted,priority: high,priority: low,stale,duplicate,invalid,wontfix'
    Ml__Evaluation__Horizon: '30.00:00:00'
    Ml__Evaluation__PageSize: '1000'
    Ml__Evaluation__PollerFreshnessMinutes: '30'
    Ml__Serving__MaxHistoryIssues: '20000'
    Ml__Gate__MinMacroF1: '0.55'
    Ml__Gate__MinAccuracy: '0.6'
    Ml__Gate__MinAuc: '0.7'
    Ml__Gate__MaxCalibrationError: '0.12'
    Ml__Serving__MaxTitleLength: '1000'
    Ml__Serving__MaxBodyBytes: '65536'
    Ml__Serving__MaxBatchItems: '1000'
    Ml__Serving__TopK: '3'
    Ml__Serving__PredictionLogCapacity: '20000'
    Ml__Serving__ChampionRefreshSeconds: '30'
    Ml__Serving__FeatureCacheSeconds: '600'
    Ml__Drift__SmallSampleMax: '1000'
    Ml__Drift__KsPValue: '0.05'
    Ml__Drift__ChiSquaredPValue: '0.05'
    Ml__Drift__WassersteinThreshold: '0.1'
    Ml__Drift__JensenShannonThreshold: '0.1'
    Ml__Drift__DatasetDriftShare: '0.5'
    Ml__Drift__WindowHours: '24'
    Ml__Drift__MinSamples: '50'
    Ml__Drift__MaxWindowSamples: '5000'
    Ml__Monitor__Schedule: '0 */30 * * * *'
    Ml__Monitor__RetrainSchedule: '0 0 3 * * 0'
    Alerts__Smtp__Host: ''
    Alerts__Smtp__Port: '587'
    Alerts__Smtp__Security: 'Auto'
    Alerts__Smtp__Username: ''
    Alerts__Smtp__From: ''
    Alerts__Smtp__To__0: ''
    Alerts__Smtp__TimeoutSeconds: '15'
    Alerts__Email__Drift: 'true'
    Alerts__Email__GateRejected: 'true'
    Alerts__Email__BackfillCompleted: 'true'
    Alerts__Email__RetrainCompleted: 'true'
    Alerts__Smtp__Password: empty(keyVaultSecretUris.alertsSmtpPassword) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUris.alertsSmtpPassword})'
    Ml__Monitor__LiveWindow: '200'
    Ml__Monitor__MinLiveSamples: '30'
    Ml__Monitor__MinLiveLabelerAccuracy: '0.5'
    Ml__Monitor__MinLiveTimeToCloseAccuracy: '0.6'
    Ml__Monitor__RetrainCooldownMinutes: '360'
    Store__CosmosShardKeys: 'true'
    Store__EnsureSchemaOnStart: 'true'
  }
}

output functionAppName string = site.name
output defaultUrl string = 'https://${site.properties.defaultHostName}'
