using Microsoft.DurableTask.Client;
using Pipeline.Analytics.Seed;
using Pipeline.Domain;
using Pipeline.ML;
using Pipeline.Orchestration.Analytics;
using Pipeline.Storage;

namespace Pipeline.LocalHost;

/// <summary>
/// An empty store gets three calendar years of generated GitHub activity (through the same sink the consumer uses, so the
/// projections exist) and one aggregation run, so the dashboard compares years from the first minute.
/// </summary>
internal sealed class SeedSampleDataStep(IDocumentStore store, IEventSink sink, DurableTaskClient durable, AggregateTrendsStarter aggregation,
    ILogger<SeedSampleDataStep> logger) : IWarmupStep
{
    public string Name => "seeding sample data and aggregating trends";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var existing = await store.CountAsync(Collections.Events, ct: ct);
        var seeded = 0;
        if (existing == 0)
        {
            seeded = await SeedDataGenerator.SeedAsync(sink, ct: ct);
            WarmupStepsLog.SampleEventsSeeded(logger, seeded);
        }
        var runs = await store.CountAsync(Collections.JobRuns, ct: ct);
        if (seeded == 0 && runs > 0)
        {
            return $"store has {existing} events and {runs} aggregation runs";
        }
        var instanceId = await aggregation.StartAsync(durable, new AggregateTrendsRequest(), "seed", ct: ct);
        var meta = await durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: false, ct);
        if (meta.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"the first aggregation run {instanceId} ended {meta.RuntimeStatus}: {meta.FailureDetails?.ErrorMessage}");
        }
        return seeded > 0 ? $"seeded {seeded} sample events, trends aggregated" : "trends aggregated";
    }
}

/// <summary>Trains both models when no champion exists, so predict works at once; otherwise loads the champions.</summary>
internal sealed class EnsureModelsStep(MlBootstrapper bootstrapper) : IWarmupStep
{
    public string Name => "training models without a champion";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var serving = await bootstrapper.EnsureChampionsAsync(ct);
        return "serving " + string.Join(", ", serving.Select(kv => $"{kv.Key} v{kv.Value}"));
    }
}

/// <summary>The source-generated log messages of WarmupSteps (event ids: docs/architecture.md).</summary>
internal static partial class WarmupStepsLog
{
    [LoggerMessage(EventId = 8007, Level = LogLevel.Information, Message = "Seeded {Count} sample events (synthetic, three calendar years)")]
    public static partial void SampleEventsSeeded(ILogger logger, int count);
}
