using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// Checks that the broker answers and that the events topic exists, by a metadata request over the shared producer's
/// connections (a dependent admin client: no extra sockets, no credentials of its own).
/// </summary>
internal sealed class KafkaHealthProbe(KafkaProducerHost host, ClientConfigFactory configs, IOptions<KafkaOptions> options)
{
    private readonly KafkaOptions _o = options.Value;
    private readonly Lazy<IAdminClient> _admin = new(() => new DependentAdminClientBuilder(host.Producer.Handle).Build());

    public Task<KafkaHealth> CheckAsync(TimeSpan timeout, CancellationToken ct = default) => Task.Run(() => Check(timeout), ct);

    private KafkaHealth Check(TimeSpan timeout)
    {
        var bootstrap = configs.EffectiveBootstrapServers();
        try
        {
            var metadata = _admin.Value.GetMetadata(timeout);
            var topic = metadata.Topics.FirstOrDefault(t => t.Topic == _o.Topic);
            var dlq = metadata.Topics.FirstOrDefault(t => t.Topic == _o.DeadLetterTopic);
            var partitions = topic is null || topic.Error.IsError ? 0 : topic.Partitions.Count;
            var dlqExists = dlq is not null && !dlq.Error.IsError;
            string? error = partitions == 0 ? $"topic '{_o.Topic}' does not exist" : !dlqExists ? $"topic '{_o.DeadLetterTopic}' does not exist" : null;
            return new KafkaHealth(error is null, bootstrap, metadata.Brokers.Count, partitions, dlqExists, error);
        }
        catch (KafkaException ex)
        {
            return new KafkaHealth(false, bootstrap, 0, 0, false, ex.Error.Reason);
        }
    }
}
