using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// Replays the dead-letter topic (<c>Kafka:DeadLetterTopic</c>, <c>github.events.dlq</c>) into the events topic
/// (<c>Kafka:Topic</c>): each message's original key, value and headers (the <c>dlq-*</c> diagnosis headers dropped) are
/// produced with the shared idempotent producer, and the replay group's offset is committed only after the broker
/// acknowledged them, so a second replay does not send them again and an interrupted one resumes where it stopped. Event ids
/// are natural, so a message replayed twice is still stored once. It stops when every partition is at its end (or after
/// <c>max</c> messages).
/// </summary>
public sealed partial class DeadLetterReplayer(ClientConfigFactory configs, KafkaProducerHost producer, ILogger<DeadLetterReplayer> logger)
{
    public const string DefaultGroup = "pipeline-dlq-replay";

    public async Task<DeadLetterReplayResult> ReplayAsync(string group = DefaultGroup, long max = long.MaxValue,
        IProgress<DeadLetterReplayProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        var o = configs.Options;
        var started = DateTime.UtcNow;
        var config = configs.CreateConsumerConfig("dlq-replay");
        config.GroupId = group;
        config.EnableAutoCommit = false;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();

        // The partitions of the dead-letter topic and what is waiting on each (committed offset, else the start, to the end).
        using var admin = new AdminClientBuilder(new AdminClientConfig(configs.CreateProducerConfig("dlq-admin"))).Build();
        var meta = admin.GetMetadata(o.DeadLetterTopic, TimeSpan.FromSeconds(30));
        var partitions = meta.Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(o.DeadLetterTopic, p.PartitionId))).ToList();
        if (partitions.Count == 0 || meta.Topics.Any(t => t.Error.IsError && t.Error.Code != ErrorCode.NoError))
        {
            return new DeadLetterReplayResult(0, 0, DateTime.UtcNow - started);
        }
        var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(30)).ToDictionary(c => c.Partition.Value, c => c.Offset);
        long total = 0;
        var ends = new Dictionary<int, long>();
        foreach (var tp in partitions)
        {
            var w = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
            var from = committed.TryGetValue(tp.Partition.Value, out var c) && c.Value >= 0 ? c.Value : w.Low.Value;
            ends[tp.Partition.Value] = w.High.Value;
            total += Math.Max(0, w.High.Value - from);
        }
        consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp,
            committed.TryGetValue(tp.Partition.Value, out var c) && c.Value >= 0 ? c : Offset.Beginning)));
        progress?.Report(new DeadLetterReplayProgress(0, total));

        long replayed = 0;
        var atEnd = new HashSet<int>(partitions.Where(tp => ends[tp.Partition.Value] == 0).Select(tp => tp.Partition.Value));
        var idleSince = DateTime.UtcNow;
        while (atEnd.Count < partitions.Count && replayed < max)
        {
            ct.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null)
            {
                if (DateTime.UtcNow - idleSince > TimeSpan.FromSeconds(30)) break;
                continue;
            }
            idleSince = DateTime.UtcNow;
            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }
            var headers = new Headers();
            var target = o.Topic;
            foreach (var h in result.Message.Headers ?? [])
            {
                if (h.Key == KafkaHeaders.DlqOriginalTopic && h.GetValueBytes() is { Length: > 0 } t) target = Encoding.UTF8.GetString(t);
                if (!h.Key.StartsWith("dlq-", StringComparison.Ordinal)) headers.Add(h.Key, h.GetValueBytes());
            }
            // Only the events topic is a replay target (a header cannot redirect messages elsewhere).
            if (target != o.Topic) target = o.Topic;
            await producer.Producer.ProduceAsync(target, new Message<byte[]?, byte[]?> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers }, ct)
                .ConfigureAwait(false);
            consumer.Commit([new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)]);
            replayed++;
            progress?.Report(new DeadLetterReplayProgress(replayed, total));
        }
        consumer.Close();
        LogReplayed(logger, replayed, o.DeadLetterTopic, o.Topic);
        return new DeadLetterReplayResult(replayed, partitions.Count, DateTime.UtcNow - started);
    }

    [LoggerMessage(EventId = 1133, Level = LogLevel.Information, Message = "Replayed {Count} dead letters from {From} into {To}")]
    private static partial void LogReplayed(ILogger logger, long count, string from, string to);
}
