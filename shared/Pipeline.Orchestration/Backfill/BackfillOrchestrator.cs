using Microsoft.DurableTask;
using Pipeline.Ingestion.Archive;
using Pipeline.Orchestration.Analytics;

namespace Pipeline.Orchestration.Backfill;

/// <summary>Input of <see cref="BackfillOrchestrator"/>: the resolved sources (paths or URLs), in import order, and how a
/// failing file is retried (attempts, first back-off doubling up to two minutes).</summary>
public sealed record BackfillJob(IReadOnlyList<string> Sources, int MaxAttempts = 3, double FirstRetrySeconds = 5)
{
    /// <summary>When set, the trend aggregation runs after the import (as a sub-orchestration), so the new history shows in the trends.</summary>
    public AggregateTrendsInput? AggregateAfter { get; init; }

    /// <summary>How long to let the consumer land the published events before aggregating.</summary>
    public double AggregateDelaySeconds { get; init; } = 30;
}

/// <summary>Custom status while a backfill runs (read by <c>GET /api/backfill/{id}</c>).</summary>
public sealed record BackfillJobStatus(int FilesDone, int FilesTotal, long Events, long Lines, long Errors, long Bytes, int FailedFiles, string? LastFile);

/// <summary>Output of <see cref="BackfillOrchestrator"/>.</summary>
public sealed record BackfillJobResult(int Files, int FailedFiles, long Events, long Lines, long Errors, long Bytes, IReadOnlyList<BackfillFileResult> PerFile)
{
    /// <summary>The aggregation run after the import: its instance id and how it ended (null when none was asked for).</summary>
    public string? Aggregation { get; init; }
}

/// <summary>
/// Imports GH Archive files one activity per file (<see cref="ImportArchiveFileActivity"/>, retried with back-off), so a long
/// backfill survives host restarts file by file and its progress is visible as custom status. A file that still fails after
/// its retries is recorded in the result and the backfill goes on. Re-importing a file never duplicates (natural event ids).
/// </summary>
public sealed class BackfillOrchestrator : TaskOrchestrator<BackfillJob, BackfillJobResult>
{
    public override async Task<BackfillJobResult> RunAsync(TaskOrchestrationContext context, BackfillJob input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
            maxNumberOfAttempts: Math.Max(1, input.MaxAttempts), firstRetryInterval: TimeSpan.FromSeconds(Math.Max(0.01, input.FirstRetrySeconds)),
            backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2)));
        var results = new List<BackfillFileResult>(input.Sources.Count);
        context.SetCustomStatus(Status(results, input.Sources.Count, null));
        foreach (var source in input.Sources)
        {
            BackfillFileResult result;
            try
            {
                result = await context.CallActivityAsync<BackfillFileResult>(nameof(ImportArchiveFileActivity), new ImportArchiveFileInput(source), retry);
            }
            catch (TaskFailedException ex)
            {
                result = new BackfillFileResult(source, 0, 0, 0, 0, ex.FailureDetails.ErrorMessage);
            }
            results.Add(result);
            context.SetCustomStatus(Status(results, input.Sources.Count, source));
        }
        var events = results.Sum(r => r.Events);
        string? aggregation = null;
        if (input.AggregateAfter is { } aggregate && events > 0)
        {
            // The consumer lands published events asynchronously: give it a moment, then aggregate. Events that land later
            // are picked up by the next scheduled run (the aggregation is incremental on received_at).
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
        return new BackfillJobResult(results.Count, results.Count(r => r.Failure is not null), events,
            results.Sum(r => r.Lines), results.Sum(r => r.Errors), results.Sum(r => r.Bytes), results)
        { Aggregation = aggregation };
    }

    private static BackfillJobStatus Status(List<BackfillFileResult> done, int total, string? last) =>
        new(done.Count, total, done.Sum(r => r.Events), done.Sum(r => r.Lines), done.Sum(r => r.Errors), done.Sum(r => r.Bytes),
            done.Count(r => r.Failure is not null), last);
}

/// <summary>Input of <see cref="ImportArchiveFileActivity"/>.</summary>
public sealed record ImportArchiveFileInput(string Source);

/// <summary>Imports one GH Archive file; throws when the file cannot be read at all, so the orchestrator's retry policy applies.</summary>
public sealed class ImportArchiveFileActivity(BackfillService backfill) : PipelineActivity<ImportArchiveFileInput, BackfillFileResult>
{
    public override async Task<BackfillFileResult> ExecuteAsync(ImportArchiveFileInput input)
    {
        var result = await backfill.ImportAsync([input.Source]).ConfigureAwait(false);
        var file = result.PerFile.Single();
        if (file.Failure is not null) throw new IOException($"{input.Source}: {file.Failure}");
        return file;
    }
}
