using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pipeline.Domain.Scheduling;

namespace Pipeline.Orchestration.Scheduling;

/// <summary>
/// One scheduled job, the single path from an occurrence to its orchestrations: occurrence → instance ids → start (each id
/// only once, so two hosts, a restart or a redelivered timer start nothing twice). The Functions timer triggers call
/// <see cref="RunFiredAsync"/> and the worker's <see cref="ScheduledJobsService"/> calls <see cref="RunOccurrenceAsync"/>, so
/// both start the same instance ids for the same occurrence.
/// </summary>
public abstract partial class ScheduledJob(ILogger logger)
{
    /// <summary>Stable name, the prefix of its instance ids (<c>aggregate-trends</c>, <c>monitor-models</c>, ...).</summary>
    public abstract string Name { get; }

    /// <summary>The setting its schedule comes from, for logs (<c>Analytics:Schedule</c>).</summary>
    public abstract string ScheduleSetting { get; }

    /// <summary>The schedule expression (NCRONTAB or hh:mm:ss), as the Functions timer reads it from the same setting.</summary>
    public abstract string ScheduleExpression { get; }

    /// <summary>False when the job's ScheduleEnabled setting turns it off: then no occurrence starts anything.</summary>
    public abstract bool Enabled { get; }

    public TimerSchedule Schedule => TimerSchedule.Parse(ScheduleExpression);

    /// <summary>The occurrence stamp every instance id of this job carries (UTC, to the second).</summary>
    public static string Stamp(DateTimeOffset occurrence) => occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The orchestrations one occurrence starts.</summary>
    internal abstract IReadOnlyList<ScheduledStart> StartsFor(DateTimeOffset occurrence);

    /// <summary>A timer fired at <paramref name="firedAt"/>: the occurrence is the schedule's latest at or before it (a second
    /// of tolerance for a timer that fires early), so the id does not depend on when the trigger ran.</summary>
    public Task<IReadOnlyList<string>> RunFiredAsync(DurableTaskClient client, DateTimeOffset firedAt, CancellationToken ct = default) =>
        RunOccurrenceAsync(client, Schedule.Latest(firedAt.AddSeconds(1)) ?? firedAt, ct);

    /// <summary>Starts the occurrence's orchestrations that do not exist yet; returns the ids it started.</summary>
    public async Task<IReadOnlyList<string>> RunOccurrenceAsync(DurableTaskClient client, DateTimeOffset occurrence, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!Enabled)
        {
            LogDisabled(logger, Name);
            return [];
        }
        var started = new List<string>();
        foreach (var start in StartsFor(occurrence))
        {
            if (await client.GetInstanceAsync(start.InstanceId, ct) is not null)
            {
                LogAlreadyStarted(logger, Name, start.InstanceId);
                continue;
            }
            if (await StartAsync(client, start, ct))
            {
                LogStarted(logger, Name, start.InstanceId);
                started.Add(start.InstanceId);
            }
        }
        return started;
    }

    /// <summary>Starts one occurrence's orchestration; a job whose starts go through a gate (single-flight retraining)
    /// overrides this and returns false when the gate kept it from starting.</summary>
    private protected virtual async Task<bool> StartAsync(DurableTaskClient client, ScheduledStart start, CancellationToken ct)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(start.Orchestrator, start.Input, new StartOrchestrationOptions(start.InstanceId), ct);
        return true;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Scheduled job {Job} started {InstanceId}")]
    private static partial void LogStarted(ILogger logger, string job, string instanceId);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Scheduled job {Job}: {InstanceId} already exists, not started again")]
    private static partial void LogAlreadyStarted(ILogger logger, string job, string instanceId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Scheduled job {Job} is disabled by its ScheduleEnabled setting")]
    private static partial void LogDisabled(ILogger logger, string job);
}
