using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Analytics;

namespace Pipeline.Orchestration.Analytics;

/// <summary>Starts <see cref="AggregateTrendsOrchestrator"/> with the configured engine, parallelism and retries.</summary>
public sealed class AggregateTrendsStarter(IOptions<AnalyticsOptions> options)
{
    public AggregateTrendsInput CreateInput(AggregateTrendsRequest request, string trigger)
    {
        var o = options.Value;
        return new AggregateTrendsInput
        {
            From = request.From,
            To = request.To,
            Force = request.Force,
            Engine = string.IsNullOrWhiteSpace(request.Engine) ? o.Engine : request.Engine,
            Trigger = trigger,
            MaxParallelJobs = o.MaxParallelJobs,
            JobMaxAttempts = o.JobMaxAttempts,
            FirstRetrySeconds = o.JobFirstRetryInterval.TotalSeconds,
            SparkPollSeconds = o.Spark.PollInterval.TotalSeconds,
            SparkTimeoutMinutes = o.Spark.Timeout.TotalMinutes,
        };
    }

    /// <summary>Schedules a run; returns its instance id. Triggers: manual (HTTP), timer, backfill, seed.
    /// The backfill calls this when it finishes (with its date range) so the new history shows up in the trends.</summary>
    public Task<string> StartAsync(DurableTaskClient client, AggregateTrendsRequest request, string trigger = "manual",
        string? instanceId = null, CancellationToken ct = default) =>
        client.ScheduleNewOrchestrationInstanceAsync(nameof(AggregateTrendsOrchestrator), CreateInput(request, trigger),
            new StartOrchestrationOptions(instanceId ?? $"aggregate-trends-{trigger}-{Guid.NewGuid():N}"), ct);

    /// <summary>The run started by a backfill over [from, to] (yyyy-MM-dd): only the periods its events touch are recomputed.</summary>
    public Task<string> StartAfterBackfillAsync(DurableTaskClient client, string? from, string? to, CancellationToken ct = default) =>
        StartAsync(client, new AggregateTrendsRequest(from, to), "backfill", ct: ct);
}
