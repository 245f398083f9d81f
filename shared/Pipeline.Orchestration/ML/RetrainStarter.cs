using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Domain;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.Storage;

namespace Pipeline.Orchestration.ML;

/// <summary>
/// Single-flight retraining: HTTP, the timers and the monitor all start <see cref="RetrainModelOrchestrator"/> through here,
/// so at most one retrain of a model runs at a time; a request while one runs gets the running instance. Automatic
/// triggers (schedule, monitor) also respect <c>Ml:Monitor:RetrainCooldownMinutes</c> since the last start; a manual
/// (HTTP) request does not. Within a process a lock per model serialises callers; across processes the move from one
/// instance to the next is claimed with an insert-if-absent document keyed by the previous instance, so two processes
/// cannot both start one (the loser returns the winner's instance).
/// </summary>
public static class RetrainStarter
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    public const string Manual = "http";

    /// <param name="instanceId">The id to start when a retrain starts (a schedule's occurrence id, so every host names it alike);
    /// null: a fresh id.</param>
    public static async Task<RetrainStart> StartAsync(DurableTaskClient client, IDocumentStore store, MlOptions options, string model, string reason, string trigger,
        CancellationToken ct = default, string? instanceId = null)
    {
        Pipeline.ML.Training.ModelNames.EnsureKnown(model);
        var gate = Locks.GetOrAdd(model, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var stateId = $"retrain:{model}";
                var state = await store.GetAsync(Collections.MonitorReports, stateId, ct);
                var current = Text(state, "instance_id");
                if (current is not null && await IsActiveAsync(client, current, ct))
                    return new RetrainStart(model, current, false, "already running", null);
                var last = Text(state, "started_at") is { } s ? IssueDocumentSchema.ParseTime(s) : null;
                var cooldown = TimeSpan.FromMinutes(options.Monitor.RetrainCooldownMinutes);
                var now = DateTime.UtcNow;
                if (trigger != Manual && trigger != "monitor" && last is { } l && now - l < cooldown)
                    return new RetrainStart(model, current, false, $"cool-down until {IssueDocumentSchema.FormatTime(l + cooldown)}", l + cooldown);

                var next = instanceId ?? $"retrain-{model}-{now:yyyyMMddHHmmss}-{trigger}-{Guid.NewGuid().ToString("N")[..8]}";
                var claimId = $"retrain-claim:{model}:{current ?? "none"}";
                var claim = new JsonObject { ["kind"] = "retrain-claim", ["model"] = model, ["instance_id"] = next, ["at"] = IssueDocumentSchema.FormatTime(now) };
                if (!await store.InsertIfAbsentAsync(Collections.MonitorReports, claimId, claim, ct))
                {
                    // Another process moved on from the same instance: take its instance (healing the state if it crashed
                    // before recording it) and look again.
                    var winner = Text(await store.GetAsync(Collections.MonitorReports, claimId, ct), "instance_id");
                    if (winner is not null && await IsActiveAsync(client, winner, ct)) return new RetrainStart(model, winner, false, "already running", null);
                    if (winner is not null && winner != current)
                        await store.UpsertAsync(Collections.MonitorReports, stateId, State(model, winner, now, trigger), ct);
                    continue;
                }
                await client.ScheduleNewOrchestrationInstanceAsync(nameof(RetrainModelOrchestrator), new RetrainRequest(model, reason, trigger),
                    new StartOrchestrationOptions { InstanceId = next }, ct);
                await store.UpsertAsync(Collections.MonitorReports, stateId, State(model, next, now, trigger), ct);
                return new RetrainStart(model, next, true, "started", trigger == Manual ? null : now + cooldown);
            }
            throw new InvalidOperationException($"Could not claim the retrain slot of {model} after 5 attempts");
        }
        finally
        {
            gate.Release();
        }
    }

    private static JsonObject State(string model, string instance, DateTime at, string trigger) => new()
    {
        ["kind"] = "retrain-state",
        ["model"] = model,
        ["instance_id"] = instance,
        ["started_at"] = IssueDocumentSchema.FormatTime(at),
        ["trigger"] = trigger,
    };

    private static async Task<bool> IsActiveAsync(DurableTaskClient client, string instanceId, CancellationToken ct)
    {
        var meta = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct);
        return meta is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended };
    }

    private static string? Text(JsonObject? doc, string field) =>
        doc?[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
