using Microsoft.DurableTask;
using Pipeline.Ingestion.Archive;
using Pipeline.Notifications;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Notifications;

namespace Pipeline.Orchestration.Backfill;

/// <summary>An hour range as the orchestration carries it: the files are named from it, not listed (a year is 8,760 files).</summary>
public sealed record BackfillRange(DateTime From, int Hours, string BaseUrl)
{
    public string SourceAt(int index) => BaseUrl + BackfillRequest.FileName(From.AddHours(index));
}

/// <summary>Input of <see cref="BackfillOrchestrator"/>: the explicit <see cref="Sources"/> (paths or URLs) or an hour
/// <see cref="Range"/>, the <see cref="Filter"/>, how a failing file is retried (attempts, first back-off doubling up to two
/// minutes), and the position of this generation (<see cref="Next"/>, <see cref="Carried"/>) when it continued as new.</summary>
public sealed record BackfillJob(IReadOnlyList<string>? Sources = null, int MaxAttempts = 3, double FirstRetrySeconds = 5)
{
    public BackfillRange? Range { get; init; }

    public BackfillFilter? Filter { get; init; }

    /// <summary>Files imported at the same time (<c>Backfill:MaxParallelFiles</c>).</summary>
    public int MaxParallelFiles { get; init; } = 2;

    /// <summary>Files per generation before the orchestration continues as new (<c>Backfill:ChunkFiles</c>).</summary>
    public int ChunkFiles { get; init; } = 24;

    /// <summary>Index of the first file this generation imports.</summary>
    public int Next { get; init; }

    /// <summary>How many times the orchestration continued as new so far.</summary>
    public int Generation { get; init; }

    /// <summary>What earlier generations imported.</summary>
    public BackfillTotals? Carried { get; init; }

    /// <summary>When the first generation started (for the rate and ETA).</summary>
    public DateTime? StartedAt { get; init; }

    /// <summary>When set, the trend aggregation runs after the import (as a sub-orchestration), so the new history shows in the trends.</summary>
    public AggregateTrendsInput? AggregateAfter { get; init; }

    /// <summary>How long to let the consumer land the published events before aggregating.</summary>
    public double AggregateDelaySeconds { get; init; } = 30;

    public int Total => Sources?.Count ?? Range?.Hours ?? 0;

    public string SourceAt(int index) => Sources is not null ? Sources[index] : Range!.SourceAt(index);
}

/// <summary>Running totals of a backfill, carried from one generation to the next.</summary>
public sealed record BackfillTotals(int FilesDone, long Events, long Skipped, long Lines, long Errors, long Bytes, int FailedFiles)
{
    /// <summary>The files that failed (at most <see cref="BackfillOrchestrator.MaxListedFiles"/>).</summary>
    public IReadOnlyList<BackfillFileResult> Failed { get; init; } = [];

    /// <summary>Every file's result, kept only while the backfill has at most <see cref="BackfillOrchestrator.MaxListedFiles"/> files.</summary>
    public IReadOnlyList<BackfillFileResult> PerFile { get; init; } = [];

    public static BackfillTotals Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);

    public BackfillTotals Add(BackfillFileResult r, bool listAll) => new(FilesDone + 1, Events + r.Events, Skipped + r.Skipped, Lines + r.Lines,
        Errors + r.Errors, Bytes + r.Bytes, FailedFiles + (r.Failure is null ? 0 : 1))
    {
        Failed = r.Failure is not null && Failed.Count < BackfillOrchestrator.MaxListedFiles ? [.. Failed, r] : Failed,
        PerFile = listAll ? [.. PerFile, r] : PerFile,
    };
}

/// <summary>Custom status while a backfill runs (read by <c>GET /api/backfill/{id}</c>): files done of total, events kept
/// (<see cref="Events"/>) and skipped by the filter, bad lines, bytes, rate and the estimated time left.</summary>
public sealed record BackfillJobStatus(int FilesDone, int FilesTotal, long Events, long Lines, long Errors, long Bytes, int FailedFiles, string? LastFile)
{
    public long Skipped { get; init; }

    public double ElapsedSeconds { get; init; }

    public double EventsPerSecond { get; init; }

    public double BytesPerSecond { get; init; }

    /// <summary>Estimated seconds left (files left times the mean time per file so far); null before the first file is done.</summary>
    public double? EtaSeconds { get; init; }

    /// <summary>The files being imported now.</summary>
    public IReadOnlyList<string> Running { get; init; } = [];

    /// <summary>The chunk being imported (0 first; the orchestration continues as new after each).</summary>
    public int Generation { get; init; }
}

/// <summary>Output of <see cref="BackfillOrchestrator"/>.</summary>
public sealed record BackfillJobResult(int Files, int FailedFiles, long Events, long Lines, long Errors, long Bytes, IReadOnlyList<BackfillFileResult> PerFile)
{
    public long Skipped { get; init; }

    /// <summary>The files that failed (at most <see cref="BackfillOrchestrator.MaxListedFiles"/> listed).</summary>
    public IReadOnlyList<BackfillFileResult> Failed { get; init; } = [];

    /// <summary>The aggregation run after the import: its instance id and how it ended (null when none was asked for).</summary>
    public string? Aggregation { get; init; }
}

/// <summary>
/// Imports GH Archive files one activity per file (<see cref="ImportArchiveFileActivity"/>, retried with back-off), at most
/// <see cref="BackfillJob.MaxParallelFiles"/> at a time, in generations of <see cref="BackfillJob.ChunkFiles"/> files: after each
/// generation the orchestration continues as new with its totals, so a backfill of any length keeps a bounded history. A
/// restarted host replays the generation from its history: finished files are not imported again, the first unfinished one
/// is. A file counts as done only when the activity confirmed its events are in the store; one that still fails after its
/// retries is recorded and the backfill goes on. Re-importing a file never duplicates (natural event ids).
/// </summary>
public sealed class BackfillOrchestrator : TaskOrchestrator<BackfillJob, BackfillJobResult?>
{
    /// <summary>Per-file results are listed for backfills up to this many files (and failed files up to this many).</summary>
    public const int MaxListedFiles = 200;

    public override async Task<BackfillJobResult?> RunAsync(TaskOrchestrationContext context, BackfillJob input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
            maxNumberOfAttempts: Math.Max(1, input.MaxAttempts), firstRetryInterval: TimeSpan.FromSeconds(Math.Max(0.01, input.FirstRetrySeconds)),
            backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2)));
        var total = input.Total;
        var listAll = total <= MaxListedFiles;
        var startedAt = input.StartedAt ?? context.CurrentUtcDateTime;
        var totals = input.Carried ?? BackfillTotals.Empty;
        var end = Math.Min(total, input.Next + Math.Max(1, input.ChunkFiles));
        var parallel = Math.Max(1, input.MaxParallelFiles);
        var running = new List<(Task<BackfillFileResult> Task, int Index)>();
        var finished = new SortedDictionary<int, BackfillFileResult>();
        string? last = null;
        context.SetCustomStatus(Status(context, totals, total, null, startedAt, input.Generation, []));

        async Task<BackfillFileResult> ImportAsync(string source)
        {
            try
            {
                return await context.CallActivityAsync<BackfillFileResult>(nameof(ImportArchiveFileActivity), new ImportArchiveFileInput(source) { Filter = input.Filter }, retry);
            }
            catch (TaskFailedException ex)
            {
                return new BackfillFileResult(source, 0, 0, 0, 0, ex.FailureDetails.ErrorMessage);
            }
        }

        var launched = input.Next;
        while (launched < end || running.Count > 0)
        {
            while (launched < end && running.Count < parallel)
            {
                running.Add((ImportAsync(input.SourceAt(launched)), launched));
                launched++;
            }
            var done = await Task.WhenAny(running.Select(r => r.Task));
            var slot = running.Find(r => r.Task == done);
            running.Remove(slot);
            var result = await done;
            finished[slot.Index] = result;
            totals = totals.Add(result, listAll: false);
            last = result.Source;
            context.SetCustomStatus(Status(context, totals, total, last, startedAt, input.Generation, running.Select(r => input.SourceAt(r.Index)).ToList()));
        }
        // Per-file results in file order (they finish in any order when files run in parallel).
        if (listAll) totals = totals with { PerFile = [.. totals.PerFile, .. finished.Values] };

        if (end < total)
        {
            context.ContinueAsNew(input with { Next = end, Carried = totals, StartedAt = startedAt, Generation = input.Generation + 1 });
            return null;
        }

        string? aggregation = null;
        if (input.AggregateAfter is { } aggregate && totals.Events > 0)
        {
            // Every file's events are confirmed stored (when the host has a store); the delay covers hosts without confirmation.
            await context.CreateTimer(TimeSpan.FromSeconds(Math.Max(0, input.AggregateDelaySeconds)), CancellationToken.None);
            var subId = $"{context.InstanceId}-aggregate";
            try
            {
                await context.CallSubOrchestratorAsync(nameof(AggregateTrendsOrchestrator), aggregate, new SubOrchestrationOptions { InstanceId = subId });
                aggregation = $"{subId}: completed";
            }
            catch (TaskFailedException ex)
            {
                aggregation = $"{subId}: failed: {ex.FailureDetails.ErrorMessage}";
            }
        }
        var outcome = new BackfillJobResult(totals.FilesDone, totals.FailedFiles, totals.Events, totals.Lines, totals.Errors, totals.Bytes, totals.PerFile)
        {
            Skipped = totals.Skipped,
            Failed = totals.Failed,
            Aggregation = aggregation,
        };
        await context.NotifyAdministratorAsync(Completed(context, outcome, total));
        return outcome;
    }

    /// <summary>The end-of-run message for the administrator (Alerts:Email:BackfillCompleted).</summary>
    private static Notification Completed(TaskOrchestrationContext context, BackfillJobResult result, int total) =>
        new(NotificationKind.BackfillCompleted,
            $"backfill {context.InstanceId}: {result.Files} of {total} files, {result.Events} events" + (result.FailedFiles > 0 ? $", {result.FailedFiles} failed" : ""),
            [
                $"files imported: {result.Files} of {total}; failed: {result.FailedFiles}",
                $"events kept: {result.Events}; skipped by filters: {result.Skipped}; bad lines: {result.Errors}",
                .. result.Failed.Take(10).Select(f => $"failed {f.Source}: {f.Failure}"),
                $"aggregation: {result.Aggregation ?? "not run"}",
            ],
            result.FailedFiles > 0 ? "warning" : "info", context.CurrentUtcDateTime);

    private static BackfillJobStatus Status(TaskOrchestrationContext context, BackfillTotals t, int total, string? last, DateTime startedAt, int generation, IReadOnlyList<string> running)
    {
        var elapsed = Math.Max(0, (context.CurrentUtcDateTime - startedAt).TotalSeconds);
        return new BackfillJobStatus(t.FilesDone, total, t.Events, t.Lines, t.Errors, t.Bytes, t.FailedFiles, last)
        {
            Skipped = t.Skipped,
            ElapsedSeconds = Math.Round(elapsed, 1),
            EventsPerSecond = elapsed > 0 ? Math.Round(t.Events / elapsed, 1) : 0,
            BytesPerSecond = elapsed > 0 ? Math.Round(t.Bytes / elapsed, 1) : 0,
            EtaSeconds = t.FilesDone > 0 && elapsed > 0 ? Math.Round(elapsed / t.FilesDone * (total - t.FilesDone), 1) : null,
            Running = running,
            Generation = generation,
        };
    }
}
