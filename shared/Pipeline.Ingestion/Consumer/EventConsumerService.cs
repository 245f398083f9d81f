using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Domain;
using Pipeline.Ingestion.Kafka;
using Pipeline.Storage;

namespace Pipeline.Ingestion.Consumer;

/// <summary>
/// The hosted consumer of <c>github.events</c> (its own deployment, scaled by KEDA on group lag).
/// Guarantees: offsets are committed only for messages that are in the store or in the dead-letter topic, so a crash
/// at any point re-delivers instead of losing; the sink's insert-if-absent makes re-delivery harmless.
/// <list type="bullet">
/// <item>Unparseable messages go to the DLQ at once, with the error and their topic/partition/offset.</item>
/// <item>A batch the sink rejects with a non-transient error is bisected to isolate the bad events; each gets
/// <see cref="KafkaOptions.MaxDeliveryAttempts"/> attempts, then goes to the DLQ; the rest is stored.</item>
/// <item><see cref="StoreUnavailableException"/> is an outage: the partitions are paused (the group membership is
/// kept alive by polling), the same batch is retried with jittered, capped exponential back-off, then consumption resumes.</item>
/// <item>On revoke, offsets already written are committed and unwritten messages of revoked partitions are dropped
/// from memory (their new owner reads them from the committed offset).</item>
/// <item>One write in flight (<see cref="KafkaOptions.ConsumerOverlapWrites"/>): while batch N is written, batch N+1 is
/// collected and deserialised, and its write starts only after batch N is stored and its offsets are marked, so each
/// partition is still written in offset order and nothing is committed before it is stored. The overlapped write is a
/// plain attempt: when it meets a store outage the loop falls back to the serial outage handling above for batch N
/// (partitions paused, polled, retried), and batch N+1 stays collected and uncommitted until N is stored. A revoke while
/// a write is in flight first waits for that write, so no partition is written by two consumers at once.</item>
/// </list>
/// </summary>
internal sealed class EventConsumerService(
    ClientConfigFactory configs,
    IEventSink sink,
    DeadLetterPublisher deadLetters,
    ConsumerStatusTracker status,
    ILogger<EventConsumerService> logger,
    ClaimCheckResolver? claimChecks = null) : BackgroundService
{
    private readonly KafkaOptions _o = configs.Options;

    // Messages consumed but not yet written; the revoke handler removes those of revoked partitions.
    private List<ConsumeResult<byte[]?, byte[]?>> _current = [];
    // The batch whose write is in flight (or being retried through an outage); null when none.
    private BatchWrite? _writing;
    // Set by the revoke handler: the prepared batch must drop the events of messages it removed from _current.
    private bool _revokedSincePrepare;
    // Messages that arrived while the current batch was being retried; they start the next batch.
    private List<ConsumeResult<byte[]?, byte[]?>> _overflow = [];
    // Written (or dead-lettered) but not yet committed: partition → next offset to commit.
    private readonly Dictionary<TopicPartition, Offset> _uncommitted = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private bool _paused;

    public ConsumerStatus Status => status.Snapshot();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => RunAsync(stoppingToken), CancellationToken.None);

    private async Task RunAsync(CancellationToken ct)
    {
        var restartDelay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilStoppedAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A fatal client error or a bug: rebuild the consumer; uncommitted work is re-delivered.
                EventConsumerServiceLog.ConsumerFailedRestarting(logger, ex, restartDelay);
                status.SetState(ConsumerState.Faulted, ex.Message);
                try { await Task.Delay(restartDelay, ct).ConfigureAwait(false); } catch (OperationCanceledException) { break; }
                restartDelay = TimeSpan.FromTicks(Math.Min(restartDelay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
        status.SetState(ConsumerState.Stopped);
    }

    private async Task ConsumeUntilStoppedAsync(CancellationToken ct)
    {
        LibrdkafkaLoader.EnsureLoaded();
        _current = [];
        _overflow = [];
        _writing = null;
        _uncommitted.Clear();
        _paused = false;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(configs.CreateConsumerConfig())
            .SetLogHandler((_, m) => KafkaLog.Write(logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(logger, e))
            .SetPartitionsAssignedHandler((c, parts) => OnAssigned(parts))
            .SetPartitionsRevokedHandler((c, parts) => OnRevoked(c, parts.Select(p => p.TopicPartition).ToList(), commit: true))
            .SetPartitionsLostHandler((c, parts) => OnRevoked(c, parts.Select(p => p.TopicPartition).ToList(), commit: false))
            .Build();
        consumer.Subscribe(_o.Topic);
        status.SetState(ConsumerState.Starting);
        EventConsumerServiceLog.Consuming(logger, _o.Topic, _o.ConsumerGroup);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Collect(consumer, ct);
                if (_current.Count == 0)
                {
                    // Nothing new, but a write that failed (or has not been finished) still needs its outcome.
                    if (_writing is not null) await FinishWriteAsync(consumer, ct).ConfigureAwait(false);
                    continue;
                }
                var prepared = await PrepareCurrentBatchAsync(ct).ConfigureAwait(false);
                // Batch N+1 is deserialised; batch N must be stored (and its offsets marked) before N+1's write starts.
                if (_writing is not null) await FinishWriteAsync(consumer, ct).ConfigureAwait(false);
                StartWrite(consumer, prepared, ct);
                if (!_o.ConsumerOverlapWrites) await FinishWriteAsync(consumer, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            // Graceful stop: commit what is written, drop the rest (it is re-read), leave the group at once.
            AwaitWriteInFlight(markIfStored: true);
            _writing = null;
            _current.Clear();
            _overflow.Clear();
            TryCommit(consumer, onlyAssigned: true);
            try { consumer.Close(); } catch (KafkaException ex) { EventConsumerServiceLog.ClosingKafkaConsumerFailed(logger, ex); }
        }
    }

    /// <summary>Fills <see cref="_current"/> up to the batch size or until the batch wait elapses.</summary>
    private void Collect(IConsumer<byte[]?, byte[]?> consumer, CancellationToken ct)
    {
        (_current, _overflow) = (_overflow, _current);
        _overflow.Clear();
        var deadline = Stopwatch.StartNew();
        var wait = TimeSpan.FromMilliseconds(_o.ConsumerBatchMaxWaitMs);
        while (_current.Count < _o.ConsumerBatchSize && !ct.IsCancellationRequested)
        {
            if (_writing is { Attempt.IsCompleted: true } done)
            {
                // Finish a stored batch at once (offsets committed as soon as it is stored, as without the overlap);
                // a failed one (outage, or an error to rethrow) ends the collection so the loop handles it now.
                if (!done.Attempt.IsCompletedSuccessfully || done.Attempt.Result.Any(r => !r.Ok)) break;
                CompleteWrite(consumer, done);
            }
            var left = wait - deadline.Elapsed;
            if (left <= TimeSpan.Zero && _current.Count > 0) break;
            var timeout = left > TimeSpan.Zero ? left : wait;
            // With a write in flight, look at it every few milliseconds (Consume returns at once while messages flow).
            if (_writing is not null && timeout > InFlightPollInterval) timeout = InFlightPollInterval;
            var result = ConsumeOne(consumer, timeout, ct);
            if (result is null)
            {
                if (_current.Count > 0 && (_writing is null || left <= TimeSpan.Zero)) break;
                if (_current.Count == 0) deadline.Restart();
                continue;
            }
            _current.Add(result);
        }
        if (_current.Count > 0) status.Consumed(_current.Count);
    }

    private ConsumeResult<byte[]?, byte[]?>? ConsumeOne(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            var r = consumer.Consume(PollTimeout(timeout));
            return r is null || r.IsPartitionEOF ? null : r;
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            // e.g. topic not yet created, transient fetch errors: librdkafka retries; don't spin.
            EventConsumerServiceLog.ConsumeError(logger, ex.Error.Code, ex.Error.Reason);
            ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
            return null;
        }
    }

    /// <summary>
    /// The timeout handed to librdkafka, never negative. Confluent truncates a <see cref="TimeSpan"/> to whole
    /// milliseconds, so a remaining wait of -1.0 to -1.99 ms became -1, which librdkafka reads as "wait forever": with
    /// every partition paused during a store outage no message ever ends that wait, and the consumer stayed paused after
    /// the store was back (the rare hang of the PostgreSQL-outage test, caught with dotnet-stack in PollWhilePaused).
    /// </summary>
    internal static TimeSpan PollTimeout(TimeSpan remaining) => remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;

    /// <summary>How often the collecting loop looks at the write in flight when no message arrives.</summary>
    private static readonly TimeSpan InFlightPollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>A batch handed to the sink: its messages (offsets to mark once stored), its partition-disjoint slices and
    /// the plain write attempt of each slice.</summary>
    private sealed class BatchWrite(
        List<ConsumeResult<byte[]?, byte[]?>> messages,
        List<List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)>> slices,
        Task<(bool Ok, int Written, int Fresh, Exception? Outage)[]> attempt,
        Stopwatch started)
    {
        public List<ConsumeResult<byte[]?, byte[]?>> Messages { get; } = messages;
        public List<List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)>> Slices { get; } = slices;
        public Task<(bool Ok, int Written, int Fresh, Exception? Outage)[]> Attempt { get; } = attempt;
        public Stopwatch Started { get; } = started;
    }

    /// <summary>Deserialises <see cref="_current"/> (dead-lettering what does not parse); the messages stay in
    /// <see cref="_current"/> until <see cref="StartWrite"/>, so a revoke meanwhile still removes them.</summary>
    private async Task<(List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)> Events, Stopwatch Started)> PrepareCurrentBatchAsync(CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        _revokedSincePrepare = false;
        var batch = _current;
        var events = new List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)>(batch.Count);
        List<Task>? deadLetters = null;
        foreach (var m in batch)
        {
            GitHubEvent e;
            try
            {
                var value = claimChecks is null ? m.Message.Value : await claimChecks.ResolveAsync(m.Message, ct).ConfigureAwait(false);
                e = ConsumerTracing.WithTraceId(GitHubEventSerializer.Deserialize(value), m.Message.Headers);
            }
            catch (InvalidEventException ex)
            {
                EventConsumerServiceLog.UnparseableMessageDeadLettered(logger, m.Topic, m.Partition.Value, m.Offset.Value, ex.Message);
                (deadLetters ??= []).Add(DeadLetterAsync(m, ex, attempts: 1, ct));
                continue;
            }
            events.Add((m, e));
        }
        if (deadLetters is not null) await Task.WhenAll(deadLetters).ConfigureAwait(false);
        return (events, sw);
    }

    /// <summary>
    /// Starts the plain write attempt of the prepared batch (no outage handling: that stays on the consuming loop, in
    /// <see cref="FinishWriteAsync"/>). The batch is split into up to <see cref="KafkaOptions.ConsumerMaxParallelWrites"/>
    /// slices that never share a partition (so one repository's events stay in one slice, in order), written concurrently.
    /// </summary>
    private void StartWrite(IConsumer<byte[]?, byte[]?> consumer,
        (List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)> Events, Stopwatch Started) prepared, CancellationToken ct)
    {
        var messages = _current;
        _current = [];
        var events = prepared.Events;
        if (_revokedSincePrepare)
        {
            // Partitions were revoked while the batch waited: their messages are no longer ours to write.
            var kept = messages.ToHashSet(ReferenceEqualityComparer.Instance);
            events = events.Where(x => kept.Contains(x.Message)).ToList();
        }
        var slices = PartitionSlicer.Split(events, x => x.Message.TopicPartition, _o.ConsumerMaxParallelWrites);
        var attempt = Task.WhenAll(slices.Select(slice => TryWriteSliceAsync(consumer, slice, ct)));
        _writing = new BatchWrite(messages, slices, attempt, prepared.Started);
    }

    /// <summary>Waits for the write in flight; after an outage retries its failed slices with the partitions paused
    /// (<see cref="WriteSurvivingOutagesAsync"/>); then marks and commits its offsets.</summary>
    private async Task FinishWriteAsync(IConsumer<byte[]?, byte[]?> consumer, CancellationToken ct)
    {
        var batch = _writing!;
        var results = await batch.Attempt.ConfigureAwait(false);
        if (!ReferenceEquals(_writing, batch)) return; // finished meanwhile (a revoke handler waited for it)
        var (written, fresh, failed, outage) = Tally(results, batch.Slices);
        if (failed.Count > 0)
        {
            var (w, f) = await WriteSurvivingOutagesAsync(consumer, failed, outage!, ct).ConfigureAwait(false);
            written += w;
            fresh += f;
        }
        CompleteWrite(consumer, batch, written, fresh);
    }

    private static (int Written, int Fresh, List<List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)>> Failed, Exception? Outage) Tally(
        (bool Ok, int Written, int Fresh, Exception? Outage)[] results, List<List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)>> slices)
    {
        int written = 0, fresh = 0;
        var failed = new List<List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)>>();
        Exception? outage = null;
        for (var i = 0; i < results.Length; i++)
        {
            var (ok, w, f, error) = results[i];
            if (ok)
            {
                written += w;
                fresh += f;
            }
            else
            {
                failed.Add(slices[i]);
                outage ??= error;
            }
        }
        return (written, fresh, failed, outage);
    }

    /// <summary>A batch whose attempt stored every slice: marks, commits, reports.</summary>
    private void CompleteWrite(IConsumer<byte[]?, byte[]?> consumer, BatchWrite batch)
    {
        var (written, fresh, _, _) = Tally(batch.Attempt.Result, batch.Slices);
        CompleteWrite(consumer, batch, written, fresh);
    }

    private void CompleteWrite(IConsumer<byte[]?, byte[]?> consumer, BatchWrite batch, int written, int fresh)
    {
        MarkStored(batch, written, fresh);
        TryCommit(consumer, onlyAssigned: true);
        UpdateLag(consumer);
    }

    /// <summary>Everything in the batch is now in the store or in the DLQ: its offsets may be committed.</summary>
    private void MarkStored(BatchWrite batch, int written, int fresh)
    {
        foreach (var m in batch.Messages)
        {
            var next = new Offset(m.Offset.Value + 1);
            if (!_uncommitted.TryGetValue(m.TopicPartition, out var prev) || prev.Value < next.Value) _uncommitted[m.TopicPartition] = next;
        }
        status.BatchDone(batch.Messages.Count, fresh, written - fresh, DateTimeOffset.UtcNow);
        KafkaMetrics.BatchSeconds.Record(batch.Started.Elapsed.TotalSeconds);
        if (ReferenceEquals(_writing, batch)) _writing = null;
    }

    /// <summary>
    /// From the revoke/lost handler and the graceful stop (both on the consuming thread, inside or around librdkafka's
    /// calls): waits for a write still in flight, so a partition is never written by its old owner after it moved, and
    /// marks its offsets when every slice was stored. A failed attempt stays for <see cref="FinishWriteAsync"/>.
    /// </summary>
    private void AwaitWriteInFlight(bool markIfStored)
    {
        if (_writing is not { } batch) return;
        try
        {
            // Blocking here is deliberate: the callback must not return before the write ends. The write needs neither
            // this thread nor the consumer (its continuations run on the thread pool).
            batch.Attempt.Wait();
        }
        catch (AggregateException)
        {
            // Cancelled or failed: nothing is marked; the consuming loop rethrows it or the batch is re-read.
        }
        if (!markIfStored || !batch.Attempt.IsCompletedSuccessfully) return;
        var (written, fresh, failed, _) = Tally(batch.Attempt.Result, batch.Slices);
        if (failed.Count == 0) MarkStored(batch, written, fresh);
    }

    /// <summary>
    /// Retries the slices that met a store outage until they are stored, isolating permanently failing events; waits
    /// out the outage with the partitions paused (the group membership kept alive by polling). Only the slices that
    /// failed are retried.
    /// </summary>
    private async Task<(int Written, int Fresh)> WriteSurvivingOutagesAsync(IConsumer<byte[]?, byte[]?> consumer,
        List<List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)>> failedSlices, Exception firstOutage, CancellationToken ct)
    {
        var pending = failedSlices;
        var failed = failedSlices;
        var delay = TimeSpan.FromMilliseconds(_o.StoreRetryInitialDelayMs);
        var outageStarted = (Stopwatch?)null;
        int written = 0, fresh = 0, attempt = 0;
        var outage = firstOutage;
        while (true)
        {
            if (failed.Count == 0)
            {
                if (_paused)
                {
                    consumer.Resume(consumer.Assignment);
                    _paused = false;
                    EventConsumerServiceLog.StoreBackResumed(logger, outageStarted?.Elapsed);
                }
                return (written, fresh);
            }
            pending = failed;
            attempt++;
            if (_paused) EventConsumerServiceLog.StoreStillUnavailable(logger, attempt, failed.Count, outage!.Message);
            if (!_paused)
            {
                outageStarted = Stopwatch.StartNew();
                consumer.Pause(consumer.Assignment);
                _paused = true;
                status.Outage(outage!.Message);
                EventConsumerServiceLog.StoreUnavailablePaused(logger, outage.Message, consumer.Assignment.Count);
            }
            var jittered = TimeSpan.FromMilliseconds(delay.TotalMilliseconds * (0.5 + Random.Shared.NextDouble() * 0.5));
            PollWhilePaused(consumer, jittered, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, _o.StoreRetryMaxDelayMs));

            var attempts = pending.Select(slice => TryWriteSliceAsync(consumer, slice, ct)).ToList();
            await Task.WhenAll(attempts).ConfigureAwait(false);
            var (w, f, stillFailed, error) = Tally(attempts.Select(a => a.Result).ToArray(), pending);
            written += w;
            fresh += f;
            failed = stillFailed;
            outage = error;
        }
    }

    private async Task<(bool Ok, int Written, int Fresh, Exception? Outage)> TryWriteSliceAsync(
        IConsumer<byte[]?, byte[]?> consumer, List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)> slice, CancellationToken ct)
    {
        using var spans = ConsumerTracing.Start(slice, x => x.Message, _o.Topic);
        try
        {
            var (w, f) = await WriteIsolatingAsync(consumer, slice, ct).ConfigureAwait(false);
            return (true, w, f, null);
        }
        catch (Exception ex) when (TransientErrors.IsOutage(ex) && !ct.IsCancellationRequested)
        {
            spans.Fail(ex);
            return (false, 0, 0, ex);
        }
    }

    /// <summary>Keeps the group membership alive (and serves rebalances) while paused; anything delivered anyway is kept for later.</summary>
    private void PollWhilePaused(IConsumer<byte[]?, byte[]?> consumer, TimeSpan duration, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            ct.ThrowIfCancellationRequested();
            // Partitions assigned during the outage start unpaused; pause them too.
            consumer.Pause(consumer.Assignment);
            var left = duration - sw.Elapsed;
            if (left <= TimeSpan.Zero) break;
            var r = ConsumeOne(consumer, left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100), ct);
            if (r is not null) _overflow.Add(r);
        }
    }

    /// <summary>Writes a slice; on a non-transient failure splits it in halves until single events fail, which then
    /// get their attempts and go to the DLQ. <see cref="StoreUnavailableException"/> propagates (outage handling).</summary>
    private async Task<(int Written, int Fresh)> WriteIsolatingAsync(
        IConsumer<byte[]?, byte[]?> consumer, List<(ConsumeResult<byte[]?, byte[]?> Message, GitHubEvent Event)> events, CancellationToken ct)
    {
        if (events.Count == 0) return (0, 0);
        while (true)
        {
            try
            {
                var fresh = await sink.WriteAsync(events.Select(x => x.Event).ToList(), ct).ConfigureAwait(false);
                if (!_attempts.IsEmpty)
                {
                    foreach (var (_, e) in events) _attempts.TryRemove(e.Id, out _);
                }
                return (events.Count, fresh);
            }
            catch (Exception ex) when (TransientErrors.IsOutage(ex))
            {
                throw;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (events.Count > 1)
            {
                EventConsumerServiceLog.SinkRejectedBatch(logger, events.Count, ex.Message);
                var half = events.Count / 2;
                var left = await WriteIsolatingAsync(consumer, events.GetRange(0, half), ct).ConfigureAwait(false);
                var right = await WriteIsolatingAsync(consumer, events.GetRange(half, events.Count - half), ct).ConfigureAwait(false);
                return (left.Written + right.Written, left.Fresh + right.Fresh);
            }
            catch (Exception ex)
            {
                var (message, e) = events[0];
                var attempts = _attempts.AddOrUpdate(e.Id, 1, static (_, n) => n + 1);
                if (attempts < _o.MaxDeliveryAttempts)
                {
                    EventConsumerServiceLog.SinkRejectedEvent(logger, e.Id, attempts, _o.MaxDeliveryAttempts, ex.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * attempts), ct).ConfigureAwait(false);
                    continue;
                }
                EventConsumerServiceLog.EventDeadLettered(logger, e.Id, attempts, ex.Message);
                await DeadLetterAsync(message, ex, attempts, ct).ConfigureAwait(false);
                _attempts.TryRemove(e.Id, out _);
                return (0, 0);
            }
        }
    }

    /// <summary>Dead-letters a message, retrying until the broker acknowledges it: its offset must not be committed before.
    /// Only waits between attempts (never touches the consumer), so slices may dead-letter concurrently.</summary>
    private async Task DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> message, Exception error, int attempts, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await deadLetters.PublishAsync(message, error, attempts, ct).ConfigureAwait(false);
                status.DeadLettered();
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> ex)
            {
                EventConsumerServiceLog.DeadLetteringFailed(logger, message.Topic, message.Partition.Value, message.Offset.Value, ex.Error.Reason);
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private List<TopicPartitionOffset> OnAssigned(List<TopicPartition> parts)
    {
        EventConsumerServiceLog.PartitionsAssigned(logger, parts.Count, _o.Topic);
        status.SetAssigned(parts.Count);
        return parts.Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList();
    }

    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> parts, bool commit)
    {
        var revoked = parts.ToHashSet();
        // A write of these partitions may be in flight: let it end first (and count it as written if it was stored).
        AwaitWriteInFlight(markIfStored: true);
        if (commit)
        {
            // Still the owner here: commit what is already written for these partitions.
            TryCommit(consumer, onlyAssigned: false, only: revoked);
        }
        foreach (var p in revoked) _uncommitted.Remove(p);
        if (_current.RemoveAll(m => revoked.Contains(m.TopicPartition)) > 0) _revokedSincePrepare = true;
        _overflow.RemoveAll(m => revoked.Contains(m.TopicPartition));
        // A batch still to be retried after an outage: its revoked messages' offsets are not ours to commit any more.
        _writing?.Messages.RemoveAll(m => revoked.Contains(m.TopicPartition));
        EventConsumerServiceLog.PartitionsReleased(logger, commit ? "Revoked" : "Lost", parts.Count, _o.Topic);
        status.SetAssigned(Math.Max(0, consumer.Assignment.Count - parts.Count));
    }

    /// <summary>Commits the written offsets. A failed commit is kept and retried with the next one (commits are
    /// cumulative), which at worst re-delivers already stored events.</summary>
    private void TryCommit(IConsumer<byte[]?, byte[]?> consumer, bool onlyAssigned, HashSet<TopicPartition>? only = null)
    {
        if (_uncommitted.Count == 0) return;
        var assigned = onlyAssigned ? consumer.Assignment.ToHashSet() : null;
        var offsets = _uncommitted
            .Where(kv => (only is null || only.Contains(kv.Key)) && (assigned is null || assigned.Contains(kv.Key)))
            .Select(kv => new TopicPartitionOffset(kv.Key, kv.Value))
            .ToList();
        if (offsets.Count == 0) return;
        try
        {
            consumer.Commit(offsets);
            foreach (var o in offsets)
            {
                if (_uncommitted.TryGetValue(o.TopicPartition, out var v) && v.Value <= o.Offset.Value) _uncommitted.Remove(o.TopicPartition);
            }
        }
        catch (KafkaException ex)
        {
            EventConsumerServiceLog.OffsetCommitFailed(logger, ex.Error.Reason);
        }
    }

    private void UpdateLag(IConsumer<byte[]?, byte[]?> consumer)
    {
        long lag = 0;
        foreach (var tp in consumer.Assignment)
        {
            var high = consumer.GetWatermarkOffsets(tp).High;
            var position = consumer.Position(tp);
            if (high.IsSpecial || position.IsSpecial) continue;
            lag += Math.Max(0, high.Value - position.Value);
        }
        status.SetLag(lag);
    }
}

/// <summary>The source-generated log messages of EventConsumerService (event ids: docs/architecture.md).</summary>
internal static partial class EventConsumerServiceLog
{
    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Kafka consumer failed; restarting in {Delay}")]
    public static partial void ConsumerFailedRestarting(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Store still unavailable on write attempt {Attempt} ({Slices} slice(s) pending): {Error}")]
    public static partial void StoreStillUnavailable(ILogger logger, int attempt, int slices, string error);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Consuming {Topic} as group {Group}")]
    public static partial void Consuming(ILogger logger, string topic, string group);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Closing the Kafka consumer failed")]
    public static partial void ClosingKafkaConsumerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Consume error {Code}: {Reason}")]
    public static partial void ConsumeError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Unparseable message at {Topic}/{Partition}@{Offset} goes to the DLQ: {Error}")]
    public static partial void UnparseableMessageDeadLettered(ILogger logger, string topic, int partition, long offset, string error);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Information, Message = "Store is back after {Elapsed}; resumed consumption")]
    public static partial void StoreBackResumed(ILogger logger, TimeSpan? elapsed);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "Store unavailable ({Error}); paused {Count} partition(s), retrying the batch")]
    public static partial void StoreUnavailablePaused(ILogger logger, string error, int count);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Sink rejected a batch of {Count} ({Error}); isolating the failing event(s)")]
    public static partial void SinkRejectedBatch(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Sink rejected event {Id} (attempt {Attempt} of {Max}): {Error}")]
    public static partial void SinkRejectedEvent(ILogger logger, string id, int attempt, int max, string error);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Error, Message = "Event {Id} failed {Attempts} time(s) and goes to the DLQ: {Error}")]
    public static partial void EventDeadLettered(ILogger logger, string id, int attempts, string error);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Warning, Message = "Dead-lettering {Topic}/{Partition}@{Offset} failed ({Error}); retrying")]
    public static partial void DeadLetteringFailed(ILogger logger, string topic, int partition, long offset, string error);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Information, Message = "Assigned {Count} partition(s) of {Topic}")]
    public static partial void PartitionsAssigned(ILogger logger, int count, string topic);

    [LoggerMessage(EventId = 1115, Level = LogLevel.Information, Message = "{What} {Count} partition(s) of {Topic}")]
    public static partial void PartitionsReleased(ILogger logger, string what, int count, string topic);

    [LoggerMessage(EventId = 1116, Level = LogLevel.Warning, Message = "Offset commit failed ({Error}); it is retried with the next commit")]
    public static partial void OffsetCommitFailed(ILogger logger, string error);
}
