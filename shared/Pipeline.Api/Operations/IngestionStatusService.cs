using System.Globalization;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Domain;
using Pipeline.Ingestion.Consumer;
using Pipeline.Ingestion.Kafka;
using Pipeline.Storage;

namespace Pipeline.Api.Operations;

/// <summary>
/// Ingestion health from the sources of truth: the store (events received in the last minute, newest event, poller state),
/// the dead-letter topic's offsets (messages ever dead-lettered and still retained), and the consumer in this process if any.
/// The route is anonymous, so the answer is cached for <see cref="CacheFor"/>: however many callers, at most one broker
/// query and one set of store counts per interval, and concurrent callers share the one in flight.
/// </summary>
public sealed class IngestionStatusService(IDocumentStore store, ClientConfigFactory kafka, IServiceProvider services)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>How long one computed status is served.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(3);

    private readonly Lock _gate = new();
    private Task<IngestionStatus>? _current;
    private long _computedAt;
    private int _computations;

    /// <summary>How many times the status was actually computed (tests check the cache with it).</summary>
    public int Computations => Volatile.Read(ref _computations);

    internal Task<IngestionStatus> GetAsync(CancellationToken ct)
    {
        Task<IngestionStatus> task;
        lock (_gate)
        {
            var fresh = _current is not null && !_current.IsFaulted && !_current.IsCanceled
                && (!_current.IsCompleted || System.Diagnostics.Stopwatch.GetElapsedTime(_computedAt) < CacheFor);
            if (!fresh)
            {
                _computedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _computations);
                // Not tied to one caller's token: the computation is shared by everyone who asks meanwhile.
                _current = ComputeAsync(CancellationToken.None);
            }
            task = _current!;
        }
        return task.WaitAsync(ct);
    }

    private async Task<IngestionStatus> ComputeAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var since = (now - Window).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var lastMinute = await store.CountAsync(Collections.Events,
            DocumentQuery.Where(new FieldFilter("received_at", FilterOp.Gte, JsonValue.Create(since))), ct);
        var total = await store.CountAsync(Collections.Events, ct: ct);
        var newest = await store.FindAsync(Collections.Events, DocumentQuery.All.OrderBy("received_at", descending: true).Take(1), ct);
        var lastPoll = await store.FindAsync(Collections.PollerState, DocumentQuery.All.OrderBy("updatedAt", descending: true).Take(1), ct);
        var consumer = services.GetService<ConsumerStatusTracker>()?.Snapshot();
        long? dlq = await Task.Run(DeadLetterCount, ct);
        return new IngestionStatus(
            Math.Round(lastMinute / Window.TotalSeconds, 2),
            lastMinute,
            consumer?.Lag,
            consumer?.State.ToString(),
            dlq,
            ParseTime(lastPoll.FirstOrDefault()?["updatedAt"]),
            ParseTime(newest.FirstOrDefault()?["received_at"]),
            total);
    }

    /// <summary>Messages retained in the dead-letter topic (high minus low watermark over its partitions); null if unreachable.</summary>
    private long? DeadLetterCount()
    {
        try
        {
            LibrdkafkaLoader.EnsureLoaded();
            var config = kafka.CreateConsumerConfig("dlq-status");
            config.GroupId = "pipeline-dlq-status";
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).Build();
            using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
            var topic = kafka.Options.DeadLetterTopic;
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(2));
            var partitions = metadata.Topics.FirstOrDefault(t => t.Topic == topic)?.Partitions ?? [];
            long count = 0;
            foreach (var p in partitions)
            {
                var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(2));
                count += Math.Max(0, w.High.Value - w.Low.Value);
            }
            return count;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    private static DateTimeOffset? ParseTime(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary><c>GET /api/ingestion/status</c>.</summary>
    public static async Task<IResult> Handle(IngestionStatusService status, CancellationToken ct) =>
        TypedResults.Json(await status.GetAsync(ct), Pipeline.Domain.Json.PipelineJson.Options);
}
