using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// Sends a message that cannot be stored to <c>github.events.dlq</c>: the original key, value and headers, plus why it
/// failed and where it came from (topic, partition, offset), so it can be inspected and replayed.
/// </summary>
internal sealed class DeadLetterPublisher(KafkaProducerHost host, IOptions<KafkaOptions> options)
{
    private readonly KafkaOptions _o = options.Value;

    public string Topic => _o.DeadLetterTopic;

    /// <summary>Completes when the broker acknowledged the dead letter; throws <see cref="ProduceException{TKey,TValue}"/> otherwise.</summary>
    public async Task PublishAsync(ConsumeResult<byte[]?, byte[]?> original, Exception error, int attempts, CancellationToken ct = default)
    {
        var headers = new Headers();
        if (original.Message.Headers is { } h)
        {
            foreach (var header in h)
            {
                if (!header.Key.StartsWith("dlq-", StringComparison.Ordinal)) headers.Add(header.Key, header.GetValueBytes());
            }
        }
        headers.Add(KafkaHeaders.DlqError, Encoding.UTF8.GetBytes(Truncate(error.Message, 4096)));
        headers.Add(KafkaHeaders.DlqErrorType, Encoding.UTF8.GetBytes(error.GetType().FullName ?? error.GetType().Name));
        headers.Add(KafkaHeaders.DlqOriginalTopic, Encoding.UTF8.GetBytes(original.Topic));
        headers.Add(KafkaHeaders.DlqOriginalPartition, Encoding.UTF8.GetBytes(original.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(KafkaHeaders.DlqOriginalOffset, Encoding.UTF8.GetBytes(original.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(KafkaHeaders.DlqAttempts, Encoding.UTF8.GetBytes(attempts.ToString(CultureInfo.InvariantCulture)));
        headers.Add(KafkaHeaders.DlqFailedAt, Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)));
        headers.Add(KafkaHeaders.DlqConsumerGroup, Encoding.UTF8.GetBytes(_o.ConsumerGroup));
        var message = new Message<byte[]?, byte[]?> { Key = original.Message.Key, Value = original.Message.Value, Headers = headers };
        await host.Producer.ProduceAsync(_o.DeadLetterTopic, message, ct).ConfigureAwait(false);
        KafkaMetrics.DeadLettered.Add(1);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
