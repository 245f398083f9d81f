// The Kafka consumer in Azure: the worker image (functions/Pipeline.Worker) with Host__Role=consumer as an Azure Container App, scaled by
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
@description('Storage account holding the analytics snapshot container (Spark reads it over abfss://).')
param storageAccountName string
param analyticsEngine string
param analyticsSchedule string
@description('Image of the SparkApplications this app submits (Analytics:Spark:Image).')
param sparkImage string
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
  empty(keyVaultSecretUris.mlAlertWebhookUrl) ? [] : [{ name: 'ml-alert-webhook-url', keyVaultUrl: keyVaultSecretUris.mlAlertWebhookUrl, identity: identityId }],
  empty(keyVaultSecretUris.alertsSmtpPassword) ? [] : [{ name: 'alerts-smtp-password', keyVaultUrl: keyVaultSecretUris.alertsSmtpPassword, identity: identityId }],
  empty(keyVaultSecretUris.githubAppPrivateKey) ? [] : [{ name: 'github-app-private-key', keyVaultUrl: keyVaultSecretUris.githubAppPrivateKey, identity: identityId }]
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
            empty(keyVaultSecretUris.githubToken) ? { name: 'Poller__GitHubToken', value: '' } : { name: 'Poller__GitHubToken', secretRef: 'github-token' }
            empty(keyVaultSecretUris.githubToken) ? { name: 'Audit__GitHubToken', value: '' } : { name: 'Audit__GitHubToken', secretRef: 'github-token' }
            { name: 'Poller__Repositories__0', value: pollerRepository }
            { name: 'Poller__Schedule', value: pollerSchedule }
            { name: 'Analytics__Engine', value: analyticsEngine }
            { name: 'Analytics__Schedule', value: analyticsSchedule }
            { name: 'Ml__ApiKey', secretRef: 'ml-api-key' }
            empty(keyVaultSecretUris.mlAlertWebhookUrl) ? { name: 'Ml__Monitor__AlertWebhookUrl', value: '' } : { name: 'Ml__Monitor__AlertWebhookUrl', secretRef: 'ml-alert-webhook-url' }
            { name: 'Analytics__ScheduleEnabled', value: 'true' }
            { name: 'Analytics__MaxParallelJobs', value: '2' }
            { name: 'Analytics__SnapshotContainer', value: 'analytics-snapshots' }
            { name: 'Analytics__StorageConnectionString', value: '' }
            { name: 'Analytics__CacheDirectory', value: '/tmp/pipeline-analytics' }
            { name: 'Analytics__JobMaxAttempts', value: '3' }
            { name: 'Analytics__JobFirstRetryInterval', value: '00:00:10' }
            { name: 'Analytics__TrendsCacheSeconds', value: '10' }
            { name: 'Analytics__TrendsServeFromMemory', value: 'true' }
            { name: 'Analytics__Spark__Namespace', value: 'pipeline' }
            { name: 'Analytics__Spark__Image', value: sparkImage }
            { name: 'Analytics__Spark__SparkVersion', value: '3.5.3' }
            { name: 'Analytics__Spark__ServiceAccount', value: 'spark-driver' }
            { name: 'Analytics__Spark__ApiServer', value: '' }
            { name: 'Analytics__Spark__TokenFile', value: '' }
            { name: 'Analytics__Spark__StorageUri', value: 'abfss://analytics-snapshots@${storageAccountName}.dfs.core.windows.net' }
            { name: 'Analytics__Spark__StorageSecretName', value: 'pipeline-analytics-storage' }
            { name: 'Analytics__Spark__PollInterval', value: '00:00:15' }
            { name: 'Analytics__Spark__Timeout', value: '01:00:00' }
            { name: 'Analytics__Spark__ExecutorInstances', value: '2' }
            { name: 'Analytics__Spark__DriverMemory', value: '1g' }
            { name: 'Analytics__Spark__ExecutorMemory', value: '2g' }
            { name: 'Host__Urls', value: 'http://+:7071' }
            { name: 'Host__DataDirectory', value: '/tmp/pipeline' }
            { name: 'Host__SeedSampleData', value: 'false' }
            { name: 'Host__FunctionKey', value: '' }
            { name: 'Host__AnonymousRequestsPerSecond', value: '100' }
            { name: 'Host__AnonymousRequestBurst', value: '400' }
            { name: 'Audit__CloneBaseUrl', value: 'https://github.com/' }
            { name: 'Audit__WorkDir', value: '/tmp/pipeline-audit' }
            { name: 'Audit__GitHubApiBaseUrl', value: 'https://api.github.com/' }
            { name: 'Audit__UseGitHubApi', value: 'true' }
            { name: 'Audit__GitHubTimeoutSeconds', value: '20' }
            { name: 'Audit__MaxRunPages', value: '50' }
            { name: 'Audit__MaxCommits', value: '0' }
            { name: 'Audit__DefaultTopN', value: '10' }
            { name: 'Audit__Parallelism', value: '0' }
            { name: 'Audit__MaxScanBytes', value: '1000000' }
            { name: 'Audit__AllowedRoots__0', value: '' }
            { name: 'GitHub__MaxBodyBytes', value: '26214400' }
            { name: 'GitHub__RequireSignature', value: 'true' }
            { name: 'GitHub__DuplicateWindow', value: '00:10:00' }
            { name: 'GitHub__DuplicateCacheSize', value: '100000' }
            { name: 'GitHub__DurableAcceptance', value: 'true' }
            { name: 'GitHub__DurableWriteTimeout', value: '00:00:05' }
            { name: 'GitHub__InboxContainer', value: 'webhook-inbox' }
            { name: 'GitHub__StorageConnectionString', value: '' }
            { name: 'GitHub__RelaySweepInterval', value: '00:01:00' }
            { name: 'GitHub__InboxBatchMaxDeliveries', value: '256' }
            { name: 'GitHub__InboxBatchMaxBytes', value: '4194304' }
            { name: 'GitHub__InboxBatchLinger', value: '00:00:00.002' }
            { name: 'GitHub__InboxMaxConcurrentWrites', value: '4' }
            { name: 'GitHub__InboxDeleteConcurrency', value: '4' }
            { name: 'GitHub__InboxCompression', value: 'true' }
            { name: 'Poller__ApiBaseUrl', value: 'https://api.github.com/' }
            { name: 'Poller__MinRemainingQuota', value: '100' }
            { name: 'Poller__MaxPages', value: '10' }
            { name: 'Poller__PerPage', value: '100' }
            { name: 'Poller__Resources__0', value: 'issues' }
            { name: 'Poller__MaxRetries', value: '4' }
            { name: 'Poller__RetryBaseDelay', value: '00:00:01' }
            { name: 'Poller__MaxInlineRateLimitWait', value: '00:00:10' }
            { name: 'Poller__LanguageLookupsPerRun', value: '20' }
            { name: 'Poller__LanguageLookupInterval', value: '1.00:00:00' }
            { name: 'Poller__RequestTimeout', value: '00:00:30' }
            { name: 'Poller__IntervalSeconds', value: '0' }
            { name: 'Poller__Enabled', value: 'true' }
            { name: 'GitHub__Redelivery__Hooks__0', value: '' }
            { name: 'GitHub__Redelivery__Schedule', value: '0 */10 * * * *' }
            { name: 'GitHub__Redelivery__ScheduleEnabled', value: 'true' }
            { name: 'GitHub__Redelivery__LookbackHours', value: '24' }
            { name: 'GitHub__Redelivery__MaxRedeliveriesPerRun', value: '100' }
            { name: 'GitHub__Redelivery__ApiBaseUrl', value: 'https://api.github.com/' }
            { name: 'GitHub__Redelivery__AppId', value: '' }
            { name: 'GitHub__Redelivery__MinRemainingQuota', value: '100' }
            { name: 'GitHub__Redelivery__MaxInlineRateLimitWait', value: '00:00:10' }
            { name: 'GitHub__Redelivery__MaxPages', value: '20' }
            { name: 'GitHub__Redelivery__RequestTimeout', value: '00:00:30' }
            empty(keyVaultSecretUris.githubToken) ? { name: 'GitHub__Redelivery__Token', value: '' } : { name: 'GitHub__Redelivery__Token', secretRef: 'github-token' }
            empty(keyVaultSecretUris.githubAppPrivateKey) ? { name: 'GitHub__Redelivery__PrivateKey', value: '' } : { name: 'GitHub__Redelivery__PrivateKey', secretRef: 'github-app-private-key' }
            { name: 'Kafka__ClientId', value: 'pipeline' }
            { name: 'Kafka__EventHubsConnectionString', value: '' }
            { name: 'Kafka__ProducerLingerMs', value: '5' }
            { name: 'Kafka__ProducerBatchSizeBytes', value: '1000000' }
            { name: 'Kafka__ProducerBatchNumMessages', value: '10000' }
            { name: 'Kafka__ProducerCompression', value: 'none' }
            { name: 'Kafka__ProducerDeliveryTimeoutMs', value: '120000' }
            { name: 'Kafka__ProducerQueueMaxMessages', value: '200000' }
            { name: 'Kafka__ClaimCheckThresholdBytes', value: '900000' }
            { name: 'Kafka__ClaimCheckContainer', value: 'kafka-claims' }
            { name: 'Kafka__StorageConnectionString', value: '' }
            { name: 'Kafka__ConsumerBatchSize', value: '1000' }
            { name: 'Kafka__ConsumerMaxParallelWrites', value: '2' }
            { name: 'Kafka__ConsumerBatchMaxWaitMs', value: '200' }
            { name: 'Kafka__ConsumerFetchMinBytes', value: '262144' }
            { name: 'Kafka__ConsumerSessionTimeoutMs', value: '10000' }
            { name: 'Kafka__ConsumerMaxPollIntervalMs', value: '300000' }
            { name: 'Kafka__ConsumerAutoOffsetReset', value: 'earliest' }
            { name: 'Kafka__MaxDeliveryAttempts', value: '3' }
            { name: 'Kafka__StoreRetryInitialDelayMs', value: '250' }
            { name: 'Kafka__StoreRetryMaxDelayMs', value: '15000' }
            { name: 'Backfill__BatchSize', value: '5000' }
            { name: 'Backfill__BaseUrl', value: 'https://data.gharchive.org/' }
            { name: 'Backfill__MaxHours', value: '175680' }
            { name: 'Backfill__HttpTimeout', value: '00:30:00' }
            { name: 'Backfill__MaxErrorSamples', value: '20' }
            { name: 'Backfill__MaxParallelFiles', value: '2' }
            { name: 'Backfill__ChunkFiles', value: '24' }
            { name: 'Backfill__AllowedRoots__0', value: '' }
            { name: 'Backfill__AllowedHosts__0', value: 'data.gharchive.org' }
            { name: 'Backfill__ConfirmStored', value: 'true' }
            { name: 'Backfill__StoreWaitTimeout', value: '00:10:00' }
            { name: 'Ml__ArtifactsContainer', value: 'models' }
            { name: 'Ml__LogPredictionsForOpenedIssues', value: 'true' }
            { name: 'Ml__TrainAtStartup', value: 'true' }
            { name: 'Ml__Training__Seed', value: '42' }
            { name: 'Ml__Training__CvFolds', value: '3' }
            { name: 'Ml__Training__GridBudgetSeconds', value: '60' }
            { name: 'Ml__Training__CvMaxRows', value: '12000' }
            { name: 'Ml__Training__TestFraction', value: '0.2' }
            { name: 'Ml__Training__MinRealIssues', value: '500' }
            { name: 'Ml__Training__SyntheticIssues', value: '4000' }
            { name: 'Ml__Training__MaxIssues', value: '200000' }
            { name: 'Ml__Training__Trainers', value: 'Sdca,LightGbm,FastTree' }
            { name: 'Ml__Training__Grid', value: 'full' }
            { name: 'Ml__Training__MinSliceSize', value: '20' }
            { name: 'Ml__Training__SelectionTolerance', value: '0.002' }
            { name: 'Ml__Gate__Margin', value: '0.005' }
            { name: 'Ml__AllowSyntheticData', value: 'false' }
            { name: 'Ml__Gate__BaselineMargin', value: '0.02' }
            { name: 'Ml__Labeler__MinExamples', value: '30' }
            { name: 'Ml__Labeler__Include', value: '' }
            { name: 'Ml__Labeler__Exclude', value: 'needs-triage,triage,good first issue,help wanted,priority: high,priority: low,stale,duplicate,invalid,wontfix' }
            { name: 'Ml__Evaluation__Horizon', value: '30.00:00:00' }
            { name: 'Ml__Evaluation__PageSize', value: '1000' }
            { name: 'Ml__Evaluation__PollerFreshnessMinutes', value: '30' }
            { name: 'Ml__Serving__MaxHistoryIssues', value: '20000' }
            { name: 'Ml__Gate__MinMacroF1', value: '0.55' }
            { name: 'Ml__Gate__MinAccuracy', value: '0.6' }
            { name: 'Ml__Gate__MinAuc', value: '0.7' }
            { name: 'Ml__Gate__MaxCalibrationError', value: '0.12' }
            { name: 'Ml__Serving__MaxTitleLength', value: '1000' }
            { name: 'Ml__Serving__MaxBodyBytes', value: '65536' }
            { name: 'Ml__Serving__MaxBatchItems', value: '1000' }
            { name: 'Ml__Serving__TopK', value: '3' }
            { name: 'Ml__Serving__PredictionLogCapacity', value: '20000' }
            { name: 'Ml__Serving__ChampionRefreshSeconds', value: '30' }
            { name: 'Ml__Serving__FeatureCacheSeconds', value: '600' }
            { name: 'Ml__Drift__SmallSampleMax', value: '1000' }
            { name: 'Ml__Drift__KsPValue', value: '0.05' }
            { name: 'Ml__Drift__ChiSquaredPValue', value: '0.05' }
            { name: 'Ml__Drift__WassersteinThreshold', value: '0.1' }
            { name: 'Ml__Drift__JensenShannonThreshold', value: '0.1' }
            { name: 'Ml__Drift__DatasetDriftShare', value: '0.5' }
            { name: 'Ml__Drift__WindowHours', value: '24' }
            { name: 'Ml__Drift__MinSamples', value: '50' }
            { name: 'Ml__Drift__MaxWindowSamples', value: '5000' }
            { name: 'Ml__Monitor__Schedule', value: '0 */30 * * * *' }
            { name: 'Ml__Monitor__RetrainSchedule', value: '0 0 3 * * 0' }
            { name: 'Alerts__Smtp__Host', value: '' }
            { name: 'Alerts__Smtp__Port', value: '587' }
            { name: 'Alerts__Smtp__Security', value: 'Auto' }
            { name: 'Alerts__Smtp__Username', value: '' }
            { name: 'Alerts__Smtp__From', value: '' }
            { name: 'Alerts__Smtp__To__0', value: '' }
            { name: 'Alerts__Smtp__TimeoutSeconds', value: '15' }
            { name: 'Alerts__Email__Drift', value: 'true' }
            { name: 'Alerts__Email__GateRejected', value: 'true' }
            { name: 'Alerts__Email__BackfillCompleted', value: 'true' }
            { name: 'Alerts__Email__RetrainCompleted', value: 'true' }
            empty(keyVaultSecretUris.alertsSmtpPassword) ? { name: 'Alerts__Smtp__Password', value: '' } : { name: 'Alerts__Smtp__Password', secretRef: 'alerts-smtp-password' }
            { name: 'Ml__Monitor__LiveWindow', value: '200' }
            { name: 'Ml__Monitor__MinLiveSamples', value: '30' }
            { name: 'Ml__Monitor__MinLiveLabelerAccuracy', value: '0.5' }
            { name: 'Ml__Monitor__MinLiveTimeToCloseAccuracy', value: '0.6' }
            { name: 'Ml__Monitor__RetrainCooldownMinutes', value: '360' }
            { name: 'Store__CosmosShardKeys', value: 'true' }
            { name: 'Store__EnsureSchemaOnStart', value: 'true' }
          ]
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/api/health/ready', port: 7071 }
              periodSeconds: 5
              failureThreshold: 36
            }
            {
              type: 'Readiness'
              httpGet: { path: '/api/health/ready', port: 7071 }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Liveness'
              httpGet: { path: '/api/health/live', port: 7071 }
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
