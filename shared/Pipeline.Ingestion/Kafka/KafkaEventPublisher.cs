using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Pipeline.Domain;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// Publishes events to <c>github.events</c> keyed by repository full name, through the shared idempotent producer.
/// All messages of a batch are handed to librdkafka at once (it batches per partition); the returned task completes
/// only when every delivery report has arrived, and fails with <see cref="EventPublishException"/> naming the events
/// that were not acknowledged. An event whose serialised form exceeds <see cref="KafkaOptions.ClaimCheckThresholdBytes"/>
/// travels as a claim check: its value goes to <see cref="IClaimCheckStore"/> and the message carries the reference in
/// the <c>claim-check</c> header (resolved by the consumer's <see cref="Consumer.ClaimCheckResolver"/>).
/// </summary>
internal sealed class KafkaEventPublisher(KafkaProducerHost host, IOptions<KafkaOptions> options, IClaimCheckStore? claimChecks = null) : IEventPublisher
{
    private readonly string _topic = options.Value.Topic;
    private readonly int _claimCheckThreshold = options.Value.ClaimCheckThresholdBytes;

    public Task PublishAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return Task.CompletedTask;
        return PublishCoreAsync(events, ct);
    }

    private async Task PublishCoreAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct)
    {
        var producer = host.Producer;
        var batch = new BatchDelivery(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var message = ToMessage(e);
            var id = e.Id;
            if (message.Value is { } value && value.Length > _claimCheckThreshold)
            {
                var error = await ClaimCheckAsync(message, id, value, ct).ConfigureAwait(false);
                if (error is not null)
                {
                    batch.Report(id, error);
                    continue;
                }
            }
            Action<DeliveryReport<byte[]?, byte[]?>> onDelivery = r => batch.Report(id, r.Error);
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    producer.Produce(_topic, message, onDelivery);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // Back-pressure: the local queue drains as the broker acknowledges; wait instead of failing.
                    await Task.Delay(1, ct).ConfigureAwait(false);
                }
                catch (ProduceException<byte[]?, byte[]?> ex)
                {
                    batch.Report(id, ex.Error);
                    break;
                }
            }
        }
        await batch.Completion.WaitAsync(ct).ConfigureAwait(false);
        KafkaMetrics.Published.Add(events.Count - batch.FailedIds.Count);
        if (batch.FailedIds.Count > 0)
        {
            KafkaMetrics.PublishFailed.Add(batch.FailedIds.Count);
            throw new EventPublishException(
                $"{batch.FailedIds.Count} of {events.Count} event(s) were not acknowledged by topic '{_topic}'; " +
                $"first failing event id '{batch.FailedIds[0]}': {batch.FirstError}",
                batch.FailedIds);
        }
    }

    /// <summary>Moves the value to the claim-check store; returns the error when that is not possible.</summary>
    private async Task<Error?> ClaimCheckAsync(Message<byte[]?, byte[]?> message, string id, byte[] value, CancellationToken ct)
    {
        if (claimChecks is null)
        {
            return new Error(ErrorCode.MsgSizeTooLarge,
                $"event of {value.Length} bytes exceeds Kafka:ClaimCheckThresholdBytes ({_claimCheckThreshold}) and no claim-check store is configured (Kafka:StorageConnectionString or AzureWebJobsStorage)");
        }
        try
        {
            var reference = await claimChecks.PutAsync(id, value, ct).ConfigureAwait(false);
            message.Value = null;
            message.Headers.Add(KafkaHeaders.ClaimCheck, Encoding.UTF8.GetBytes(reference));
            KafkaMetrics.ClaimChecked.Add(1);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new Error(ErrorCode.Local_Fail, $"claim-check write failed: {ex.Message}");
        }
    }

    /// <summary>The message for an event: key = repo full name lower-cased (one partition per repository whatever the casing
    /// a source used), value = JSON, headers = type, source, id.</summary>
    public static Message<byte[]?, byte[]?> ToMessage(GitHubEvent e) => new()
    {
        Key = Encoding.UTF8.GetBytes(e.RepoKey),
        Value = GitHubEventSerializer.Serialize(e),
        Headers = new Headers
        {
            { KafkaHeaders.EventType, SmallVocabulary(e.Type) },
            { KafkaHeaders.Source, SmallVocabulary(e.Source) },
            { KafkaHeaders.EventId, Encoding.UTF8.GetBytes(e.Id) },
        }.WithTraceContext(e),
    };

    // Event types and sources are a few dozen distinct strings: encode each once (librdkafka copies header bytes).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Encoded = new(StringComparer.Ordinal);

    private static byte[] SmallVocabulary(string value) =>
        Encoded.Count < 1_000 ? Encoded.GetOrAdd(value, static v => Encoding.UTF8.GetBytes(v)) : Encoding.UTF8.GetBytes(value);

    /// <summary>Counts delivery reports of one batch (they arrive on librdkafka's poll thread).</summary>
    private sealed class BatchDelivery(int count)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _failed = [];
        private int _pending = count;

        public Task Completion => _done.Task;
        public IReadOnlyList<string> FailedIds => _failed;
        public string? FirstError { get; private set; }

        public void Report(string eventId, Error error)
        {
            if (error.IsError)
            {
                lock (_failed)
                {
                    _failed.Add(eventId);
                    FirstError ??= $"{error.Code}: {error.Reason}";
                }
            }
            if (Interlocked.Decrement(ref _pending) == 0) _done.TrySetResult();
        }
    }
}
