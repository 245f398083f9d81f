// Storage for the Functions host (AzureWebJobsStorage), the durable task hub (queues, tables), blobs (models, Parquet
// snapshots) and the Flex Consumption deployment package container.
param location string
param storageAccountName string
@description('Principal (the app identity) that deploys packages and may use identity-based access.')
param principalId string

@description('Days a claim-check blob is kept: longer than the retention of github.events and its dead-letter topic (7 days in eventhubs.bicep), so every message still on a topic can resolve its blob.')
param claimCheckRetentionDays int = 14

var deploymentContainerName = 'app-package'
// Kafka:ClaimCheckContainer and GitHub:InboxContainer (their defaults).
var claimCheckContainerName = 'kafka-claims'
var webhookInboxContainerName = 'webhook-inbox'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

resource claimCheckContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: claimCheckContainerName
}

resource webhookInboxContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: webhookInboxContainerName
}

// Nothing deletes a claim-check blob when its message is consumed (a redelivery or a dead-letter replay reads it again):
// the blobs expire after the topics' retention instead. The inbox is not expired here: the relay deletes each blob after
// its delivery report, and what is left is undelivered data.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-claim-checks'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${claimCheckContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: claimCheckRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

// Built-in roles: Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor.
var roles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in roles: {
  name: guid(account.id, principalId, role)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

output storageAccountName string = account.name
output deploymentContainerName string = deploymentContainerName
output blobEndpoint string = account.properties.primaryEndpoints.blob
