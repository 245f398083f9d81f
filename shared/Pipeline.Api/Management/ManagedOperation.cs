namespace Pipeline.Api.Management;

/// <summary>
/// A long-running operation exposed through the Durable Functions HTTP management API: its orchestrator, the instance-id
/// prefix every instance it starts carries (so a list is one prefix query) and the route under which its instances live.
/// </summary>
/// <param name="Kind">backfill | aggregation | retrain | audit.</param>
/// <param name="Orchestrator">The orchestrator's registered name.</param>
/// <param name="InstanceIdPrefix">Prefix of the instance ids this operation starts.</param>
/// <param name="Collection">The route of its instances below the host's base URL, such as <c>/api/backfill</c>.</param>
public sealed record ManagedOperation(string Kind, string Orchestrator, string InstanceIdPrefix, string Collection)
{
    public static ManagedOperation Backfill { get; } = new("backfill", "BackfillOrchestrator", "backfill-", "/api/backfill");

    public static ManagedOperation Aggregation { get; } = new("aggregation", "AggregateTrendsOrchestrator", "aggregate-trends-", "/api/jobs/aggregate");

    public static ManagedOperation Audit { get; } = new("audit", "AuditRepositoryOrchestrator", "audit-", "/api/audit");

    /// <summary>Retraining runs of one model live under that model: <c>/api/models/{name}/retrain</c>.</summary>
    public static ManagedOperation Retrain(string model) =>
        new("retrain", "RetrainModelOrchestrator", $"retrain-{model}-", $"/api/models/{Uri.EscapeDataString(model)}/retrain");

    /// <summary>The retrain operation of a known model; null for an unknown name (a 404 Unknown model).</summary>
    public static ManagedOperation? RetrainOf(string model) => Pipeline.ML.Training.ModelNames.IsKnown(model) ? Retrain(model) : null;

    /// <summary>A new instance id for this operation.</summary>
    public string NewInstanceId() => InstanceIdPrefix + Guid.NewGuid().ToString("N");

    /// <summary>Whether an instance belongs to this operation (older instances without the prefix are matched by orchestrator;
    /// the aggregation a backfill ends with runs as its sub-orchestration <c>{backfill id}-aggregate</c>).</summary>
    public bool Owns(string instanceId, string orchestratorName) =>
        string.Equals(orchestratorName, Orchestrator, StringComparison.Ordinal)
        && (instanceId.StartsWith(InstanceIdPrefix, StringComparison.Ordinal) || Kind is "backfill" or "audit"
            || (Kind is "aggregation" && instanceId.StartsWith(Backfill.InstanceIdPrefix, StringComparison.Ordinal)
                && instanceId.EndsWith("-aggregate", StringComparison.Ordinal)));
}
