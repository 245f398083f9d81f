using System.Globalization;
using Microsoft.DurableTask;
using Pipeline.Analytics;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Runs;

namespace Pipeline.Orchestration.Analytics;

/// <summary>
/// AggregateTrends: snapshot → jobs fanned out with at most <see cref="AggregateTrendsInput.MaxParallelJobs"/> at once
/// (each retried with exponential backoff) → run document. A job that still fails after its retries fails the run
/// visibly (run document status failed with the job's error, orchestration Failed) while the other jobs' results and
/// every earlier result stay in place; the watermark does not move, so the next run recomputes those periods.
/// </summary>
public sealed class AggregateTrendsOrchestrator : TaskOrchestrator<AggregateTrendsInput, AggregateTrendsResult>
{
    public override async Task<AggregateTrendsResult> RunAsync(TaskOrchestrationContext context, AggregateTrendsInput input)
    {
        input ??= new AggregateTrendsInput();
        var runId = context.InstanceId;
        var startedAt = context.CurrentUtcDateTime;
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
            Math.Max(1, input.JobMaxAttempts), TimeSpan.FromSeconds(Math.Max(0.01, input.FirstRetrySeconds)), backoffCoefficient: 2.0));

        PreparedTrendsRun prepared;
        try
        {
            prepared = await context.CallActivityAsync<PreparedTrendsRun>(nameof(PrepareTrendsSnapshotActivity),
                new PrepareTrendsSnapshotInput(runId, input.Engine, input.Trigger, Iso(startedAt), input.From, input.To, input.Force), retry);
        }
        catch (TaskFailedException e)
        {
            var error = "Snapshot failed: " + e.FailureDetails.ErrorMessage;
            await Record(context, new TrendsRunRecord(runId, JobRunStatus.Failed, input.Engine, input.Trigger, Iso(startedAt),
                Iso(context.CurrentUtcDateTime), null, [], error), retry);
            throw new TrendsRunFailedException(error);
        }

        var computedAt = Iso(context.CurrentUtcDateTime);
        var outcomes = new List<JobOutcome>();
        if (prepared.Plan.TouchedDays.Count > 0)
        {
            var pending = new Queue<string>(prepared.Jobs);
            var running = new List<Task<JobOutcome>>();
            var limit = Math.Max(1, input.MaxParallelJobs);
            // Progress for the management status document and the dashboard's jobs page.
            context.SetCustomStatus(new { stage = "jobs", completed = 0, total = prepared.Jobs.Count, failed = 0 });
            while (pending.Count > 0 || running.Count > 0)
            {
                while (pending.Count > 0 && running.Count < limit)
                {
                    running.Add(RunJob(context, input, new JobRunRequest(runId, pending.Dequeue(), prepared.Plan.TouchedDays, computedAt), retry));
                }
                var done = await Task.WhenAny(running);
                running.Remove(done);
                outcomes.Add(await done);
                context.SetCustomStatus(new
                {
                    stage = "jobs",
                    completed = outcomes.Count,
                    total = prepared.Jobs.Count,
                    failed = outcomes.Count(o => o.Status != JobRunStatus.Succeeded),
                });
            }
        }

        var failed = outcomes.Where(o => o.Status != JobRunStatus.Succeeded).ToList();
        var status = failed.Count == 0 ? JobRunStatus.Succeeded : JobRunStatus.Failed;
        var message = failed.Count == 0
            ? null
            : $"{failed.Count} of {outcomes.Count} trends jobs failed: " + string.Join("; ", failed.Select(f => $"{f.Job}: {f.Error}"));
        var finishedAt = context.CurrentUtcDateTime;
        await Record(context, new TrendsRunRecord(runId, status, input.Engine, input.Trigger, Iso(startedAt), Iso(finishedAt), prepared.Plan,
            outcomes.OrderBy(o => o.Job, StringComparer.Ordinal).ToList(), message), retry);
        if (message is not null)
        {
            throw new TrendsRunFailedException(message);
        }
        return new AggregateTrendsResult(runId, status, input.Engine, outcomes.Count, 0, outcomes.Sum(o => (long)o.Rows),
            prepared.Plan.TouchedDays.Count, (long)(finishedAt - startedAt).TotalMilliseconds, prepared.Plan.Watermark);
    }

    private static async Task<JobOutcome> RunJob(TaskOrchestrationContext context, AggregateTrendsInput input, JobRunRequest request, TaskOptions retry)
    {
        try
        {
            if (input.Engine == AnalyticsOptions.SparkEngine)
            {
                return await context.CallSubOrchestratorAsync<JobOutcome>(nameof(RunSparkTrendsJobOrchestrator),
                    new SparkTrendsJobInput(context.InstanceId, request, input.SparkPollSeconds, input.SparkTimeoutMinutes, input.JobMaxAttempts, input.FirstRetrySeconds),
                    new SubOrchestrationOptions(TaskOptions.FromRetryPolicy(new RetryPolicy(1, TimeSpan.FromSeconds(1))), $"{context.InstanceId}:spark:{request.Job}"));
            }
            return await context.CallActivityAsync<JobOutcome>(nameof(RunDuckDbTrendsJobActivity), request, retry);
        }
        catch (TaskFailedException e)
        {
            return new JobOutcome(request.Job, input.Engine, JobRunStatus.Failed, 0, 0, 0, 0, Innermost(e.FailureDetails).ErrorMessage);
        }
    }

    private static TaskFailureDetails Innermost(TaskFailureDetails details)
    {
        while (details.InnerFailure is not null) details = details.InnerFailure;
        return details;
    }

    private static Task Record(TaskOrchestrationContext context, TrendsRunRecord record, TaskOptions retry) =>
        context.CallActivityAsync<bool>(nameof(RecordTrendsRunActivity), record, retry);

    internal static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
