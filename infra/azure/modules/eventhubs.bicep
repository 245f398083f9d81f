// Event Hubs namespace with the Kafka endpoint (Standard tier and above expose it on port 9093), the hubs that stand
// in for Kafka topics github.events and github.events.dlq, the consumer group, and a Send+Listen rule for the app.
param location string
param namespaceName string
param eventsPartitionCount int
param deadLetterPartitionCount int
param consumerGroup string

@allowed(['Standard', 'Premium'])
param skuName string = 'Standard'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  sku: {
    name: skuName
    tier: skuName
    capacity: 1
  }
  properties: {
    kafkaEnabled: true
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: skuName == 'Standard'
    maximumThroughputUnits: skuName == 'Standard' ? 4 : 0
  }
}

resource events 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: 'github.events'
  properties: {
    partitionCount: eventsPartitionCount
    messageRetentionInDays: 7
  }
}

resource deadLetters 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: 'github.events.dlq'
  properties: {
    partitionCount: deadLetterPartitionCount
    messageRetentionInDays: 7
  }
}

// Kafka consumer groups map to Event Hubs consumer groups (Kafka clients may also create them on the fly).
resource group 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: events
  name: consumerGroup
}

resource appRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' = {
  parent: namespace
  name: 'pipeline-app'
  properties: {
    rights: ['Listen', 'Send']
  }
}

output namespaceName string = namespace.name
output appAuthorizationRuleName string = appRule.name
