using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Kafka;

/// <summary>Checks <see cref="KafkaOptions"/> at start-up; each message names the offending key.</summary>
internal sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions o)
    {
        var errors = new List<string>();
        const string s = KafkaOptions.SectionName;
        if (string.IsNullOrWhiteSpace(o.BootstrapServers) && string.IsNullOrWhiteSpace(o.EventHubsConnectionString))
        {
            errors.Add($"{s}:BootstrapServers is required (host:port[,host:port]); the local host fills it in with the embedded broker when unset, " +
                       $"or set {s}:EventHubsConnectionString for Azure Event Hubs");
        }
        if (!string.IsNullOrWhiteSpace(o.EventHubsConnectionString) && EventHubsConnection.TryParse(o.EventHubsConnectionString) is null)
        {
            errors.Add($"{s}:EventHubsConnectionString must look like 'Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...'");
        }
        if (string.IsNullOrWhiteSpace(o.Topic)) errors.Add($"{s}:Topic is required");
        if (string.IsNullOrWhiteSpace(o.DeadLetterTopic)) errors.Add($"{s}:DeadLetterTopic is required");
        if (!string.IsNullOrWhiteSpace(o.Topic) && o.Topic == o.DeadLetterTopic)
            errors.Add($"{s}:DeadLetterTopic must differ from {s}:Topic");
        if (string.IsNullOrWhiteSpace(o.ConsumerGroup)) errors.Add($"{s}:ConsumerGroup is required");
        if (!string.IsNullOrWhiteSpace(o.SecurityProtocol) && ClientConfigFactory.ParseSecurityProtocol(o.SecurityProtocol) is null)
            errors.Add($"{s}:SecurityProtocol '{o.SecurityProtocol}' is not one of Plaintext, Ssl, SaslPlaintext, SaslSsl");
        if (!string.IsNullOrWhiteSpace(o.SaslMechanism) && ClientConfigFactory.ParseSaslMechanism(o.SaslMechanism) is null)
            errors.Add($"{s}:SaslMechanism '{o.SaslMechanism}' is not one of Plain, ScramSha256, ScramSha512, OAuthBearer");
        var protocol = ClientConfigFactory.ParseSecurityProtocol(o.SecurityProtocol);
        var mechanism = ClientConfigFactory.ParseSaslMechanism(o.SaslMechanism) ?? SaslMechanism.Plain;
        if (protocol is Confluent.Kafka.SecurityProtocol.SaslSsl or Confluent.Kafka.SecurityProtocol.SaslPlaintext
            && mechanism != Confluent.Kafka.SaslMechanism.OAuthBearer && string.IsNullOrWhiteSpace(o.EventHubsConnectionString))
        {
            if (string.IsNullOrWhiteSpace(o.SaslUsername)) errors.Add($"{s}:SaslUsername is required with SecurityProtocol {o.SecurityProtocol}");
            if (string.IsNullOrWhiteSpace(o.SaslPassword)) errors.Add($"{s}:SaslPassword is required with SecurityProtocol {o.SecurityProtocol}");
        }
        if (o.ProducerLingerMs is < 0 or > 900_000) errors.Add($"{s}:ProducerLingerMs must be between 0 and 900000");
        if (o.ProducerBatchSizeBytes < 1) errors.Add($"{s}:ProducerBatchSizeBytes must be positive");
        if (o.ProducerBatchNumMessages < 1) errors.Add($"{s}:ProducerBatchNumMessages must be positive");
        if (o.ProducerDeliveryTimeoutMs < 1_000) errors.Add($"{s}:ProducerDeliveryTimeoutMs must be at least 1000");
        if (o.ProducerQueueMaxMessages < 1) errors.Add($"{s}:ProducerQueueMaxMessages must be positive");
        if (ClientConfigFactory.ParseCompression(o.ProducerCompression) is null)
            errors.Add($"{s}:ProducerCompression '{o.ProducerCompression}' is not one of none, gzip, snappy, lz4, zstd");
        if (o.ConsumerBatchSize < 1) errors.Add($"{s}:ConsumerBatchSize must be positive");
        if (o.ConsumerMaxParallelWrites is < 1 or > 64) errors.Add($"{s}:ConsumerMaxParallelWrites must be between 1 and 64");
        if (o.ConsumerBatchMaxWaitMs < 1) errors.Add($"{s}:ConsumerBatchMaxWaitMs must be positive");
        if (o.ConsumerFetchMinBytes is < 1 or > 100_000_000) errors.Add($"{s}:ConsumerFetchMinBytes must be between 1 and 100000000");
        if (o.ConsumerSessionTimeoutMs < 1_000) errors.Add($"{s}:ConsumerSessionTimeoutMs must be at least 1000");
        if (o.ConsumerMaxPollIntervalMs < o.ConsumerSessionTimeoutMs)
            errors.Add($"{s}:ConsumerMaxPollIntervalMs must be at least {s}:ConsumerSessionTimeoutMs");
        if (!string.Equals(o.ConsumerAutoOffsetReset, "earliest", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(o.ConsumerAutoOffsetReset, "latest", StringComparison.OrdinalIgnoreCase))
            errors.Add($"{s}:ConsumerAutoOffsetReset must be earliest or latest");
        if (o.MaxDeliveryAttempts < 1) errors.Add($"{s}:MaxDeliveryAttempts must be at least 1");
        if (o.StoreRetryInitialDelayMs < 1) errors.Add($"{s}:StoreRetryInitialDelayMs must be positive");
        if (o.StoreRetryMaxDelayMs < o.StoreRetryInitialDelayMs)
            errors.Add($"{s}:StoreRetryMaxDelayMs must be at least {s}:StoreRetryInitialDelayMs");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
