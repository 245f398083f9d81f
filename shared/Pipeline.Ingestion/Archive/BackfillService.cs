using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;

namespace Pipeline.Ingestion.Archive;

/// <summary>
/// Imports GH Archive files: streams each file (<see cref="GhArchiveReader"/>), normalises every line, and publishes
/// batches of <see cref="BackfillOptions.BatchSize"/> through <see cref="IEventPublisher"/>. Reading the next batch
/// overlaps publishing the previous one through a channel of one batch, so memory holds at most three batches.
/// Events a <see cref="BackfillFilter"/> leaves out are counted as skipped and never published.
/// Bad lines are counted (with samples) and skipped; a file that cannot be opened, answers other than 200, or whose download or
/// gzip stream is cut, is reported failed and the import goes on (events it published before the cut stay published);
/// a publish failure stops the import with the exception (event ids are natural, so re-running a file never duplicates).
/// </summary>
public sealed class BackfillService(GhArchiveReader reader, IEventPublisher publisher, IOptions<BackfillOptions> options, ILogger<BackfillService> logger)
{
    private readonly BackfillOptions _options = options.Value;

    public Task<BackfillResult> ImportAsync(IReadOnlyList<string> sources, IProgress<BackfillProgress>? progress = null, CancellationToken ct = default) =>
        ImportAsync(sources, null, null, progress, ct);

    /// <param name="sources">Paths or URLs, imported in order.</param>
    /// <param name="filter">Events to keep (null or empty: all); the others are counted as skipped and never published.</param>
    /// <param name="publishedIds">When given, receives the id of every event the broker acknowledged (to confirm they reached the store).</param>
    /// <param name="progress">Reported after every published batch and at the end.</param>
    /// <param name="ct">Stops the import.</param>
    public async Task<BackfillResult> ImportAsync(IReadOnlyList<string> sources, BackfillFilter? filter, ICollection<string>? publishedIds,
        IProgress<BackfillProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var keep = filter is { IsEmpty: false } ? filter : null;
        var fileSkipped = new long[sources.Count];
        long totalSkipped = 0;
        var clock = Stopwatch.StartNew();
        var perFile = new BackfillFileResult?[sources.Count];
        var fileCounters = sources.Select(_ => new ArchiveReadCounters()).ToArray();
        var fileEvents = new long[sources.Count];
        var errorSamples = new List<string>();
        long totalEvents = 0;
        var filesDone = 0;
        var current = (string?)null;

        BackfillProgress Snapshot()
        {
            var events = Interlocked.Read(ref totalEvents);
            var elapsed = clock.Elapsed;
            return new BackfillProgress(Volatile.Read(ref filesDone), sources.Count, Volatile.Read(ref current),
                fileCounters.Sum(c => Interlocked.Read(ref c.Lines)), events, fileCounters.Sum(c => Interlocked.Read(ref c.Errors)),
                fileCounters.Sum(c => Interlocked.Read(ref c.Bytes)), elapsed.TotalSeconds > 0 ? events / elapsed.TotalSeconds : 0, elapsed)
            { Skipped = Interlocked.Read(ref totalSkipped) };
        }

        var channel = Channel.CreateBounded<(int File, List<GitHubEvent> Batch)>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var publishing = Task.Run(async () =>
        {
            await foreach (var (file, batch) in channel.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                await publisher.PublishAsync(batch, stop.Token).ConfigureAwait(false);
                if (publishedIds is not null)
                {
                    foreach (var e in batch) publishedIds.Add(e.Id);
                }
                Interlocked.Add(ref fileEvents[file], batch.Count);
                Interlocked.Add(ref totalEvents, batch.Count);
                progress?.Report(Snapshot());
            }
        }, stop.Token);

        try
        {
            for (var i = 0; i < sources.Count; i++)
            {
                var source = sources[i];
                Volatile.Write(ref current, source);
                string? failure = null;
                var batch = new List<GitHubEvent>(_options.BatchSize);
                try
                {
                    await foreach (var record in reader.ReadAsync(source, fileCounters[i], stop.Token).ConfigureAwait(false))
                    {
                        if (record.Event is { } evt)
                        {
                            if (keep is not null && !keep.Matches(evt))
                            {
                                fileSkipped[i]++;
                                Interlocked.Increment(ref totalSkipped);
                                continue;
                            }
                            batch.Add(evt);
                            if (batch.Count >= _options.BatchSize)
                            {
                                await WriteAsync(channel.Writer, (i, batch), publishing, stop.Token).ConfigureAwait(false);
                                batch = new List<GitHubEvent>(_options.BatchSize);
                            }
                        }
                        else
                        {
                            lock (errorSamples)
                            {
                                if (errorSamples.Count < _options.MaxErrorSamples) errorSamples.Add(record.Error!);
                            }
                        }
                    }
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or HttpRequestException or ArchiveReadException or TaskCanceledException
                                           && !ct.IsCancellationRequested && !publishing.IsFaulted)
                {
                    failure = ex.Message;
                    BackfillServiceLog.BackfillCouldNotRead(logger, source, ex.Message);
                    lock (errorSamples)
                    {
                        if (errorSamples.Count < _options.MaxErrorSamples) errorSamples.Add($"{source}: {ex.Message}");
                    }
                }
                if (batch.Count > 0) await WriteAsync(channel.Writer, (i, batch), publishing, stop.Token).ConfigureAwait(false);
                perFile[i] = new BackfillFileResult(source, 0, 0, 0, 0, failure);
                Interlocked.Increment(ref filesDone);
            }
            channel.Writer.Complete();
            await publishing.ConfigureAwait(false);
        }
        catch
        {
            channel.Writer.TryComplete();
            await stop.CancelAsync().ConfigureAwait(false);
            // Surface the publisher's own failure rather than the cancellation it caused.
            if (publishing.IsFaulted) await publishing.ConfigureAwait(false);
            throw;
        }

        Volatile.Write(ref current, null);
        var final = Snapshot();
        progress?.Report(final);
        var files = perFile.Select((f, i) => f! with
        {
            Lines = fileCounters[i].Lines,
            Events = fileEvents[i],
            Errors = fileCounters[i].Errors,
            Bytes = fileCounters[i].Bytes,
            Skipped = fileSkipped[i],
        }).ToList();
        BackfillServiceLog.BackfillImported(logger, final.Events, sources.Count, final.Lines, final.Errors, final.Bytes, final.Elapsed, final.EventsPerSecond);
        return new BackfillResult(sources.Count, final.Lines, final.Events, final.Errors, final.Bytes, final.Elapsed, final.EventsPerSecond, files, errorSamples);
    }

    private static async Task WriteAsync(ChannelWriter<(int, List<GitHubEvent>)> writer, (int, List<GitHubEvent>) item, Task publishing, CancellationToken ct)
    {
        if (publishing.IsFaulted) await publishing.ConfigureAwait(false);
        await writer.WriteAsync(item, ct).ConfigureAwait(false);
    }
}

/// <summary>The source-generated log messages of BackfillService (event ids: docs/architecture.md).</summary>
internal static partial class BackfillServiceLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Backfill could not read {Source}: {Error}")]
    public static partial void BackfillCouldNotRead(ILogger logger, string source, string error);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Backfill imported {Events} events from {Files} file(s) ({Lines} lines, {Errors} errors, {Bytes} bytes) in {Elapsed} ({Rate:F0} events/s)")]
    public static partial void BackfillImported(ILogger logger, long events, int files, long lines, long errors, long bytes, TimeSpan elapsed, double rate);
}
