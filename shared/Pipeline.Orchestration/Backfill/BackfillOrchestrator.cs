using Microsoft.DurableTask;
using Pipeline.Ingestion.Archive;
using Pipeline.Notifications;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Notifications;

namespace Pipeline.Orchestration.Backfill;

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
