using Microsoft.DurableTask;
using Pipeline.Analytics.Engines;

namespace Pipeline.Orchestration.Analytics;

/// <summary>
/// One job on the <c>spark-k8s</c> engine: submit the SparkApplication (deterministic name from the parent instance and
/// job, so a replayed submit gets 409 and is treated as submitted), poll its state on durable timers until COMPLETED or
/// FAILED (or the timeout), then read the result back and upsert it.
/// </summary>
public sealed class RunSparkTrendsJobOrchestrator : TaskOrchestrator<SparkTrendsJobInput, JobOutcome>
{
    public override async Task<JobOutcome> RunAsync(TaskOrchestrationContext context, SparkTrendsJobInput input)
    {
        var started = context.CurrentUtcDateTime;
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
            Math.Max(1, input.MaxAttempts), TimeSpan.FromSeconds(Math.Max(0.01, input.FirstRetrySeconds)), backoffCoefficient: 2.0));
        var submission = await context.CallActivityAsync<Pipeline.Analytics.Spark.SparkSubmission>(nameof(SubmitSparkTrendsJobActivity),
            new SubmitSparkTrendsJobInput(input.ParentInstanceId, input.Request), retry);
        var deadline = started.AddMinutes(input.TimeoutMinutes);
        while (true)
        {
            var state = await context.CallActivityAsync<Pipeline.Analytics.Spark.SparkApplicationState>(
                nameof(GetSparkTrendsJobStateActivity), submission.ApplicationName, retry);
            if (state.Succeeded) break;
            if (state.Failed)
            {
                throw new InvalidOperationException($"SparkApplication {submission.ApplicationName} ended {state.State}: {state.ErrorMessage ?? "no message"}");
            }
            if (context.CurrentUtcDateTime >= deadline)
            {
                throw new TimeoutException($"SparkApplication {submission.ApplicationName} still {state.State} after {input.TimeoutMinutes} minutes");
            }
            await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(input.PollSeconds), CancellationToken.None);
        }
        var elapsed = (long)(context.CurrentUtcDateTime - started).TotalMilliseconds;
        return await context.CallActivityAsync<JobOutcome>(nameof(CollectSparkTrendsJobActivity),
            new CollectSparkTrendsJobInput(submission.ApplicationName, input.Request, elapsed), retry);
    }
}
