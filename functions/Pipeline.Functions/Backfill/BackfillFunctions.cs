using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Api.Backfill;
using Pipeline.Api.Management;
using Pipeline.Functions.Operations;
using Pipeline.Ingestion.Archive;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Backfill;

namespace Pipeline.Functions.Backfill;

/// <summary>GH Archive backfill: HTTP start/status and the durable orchestrator and activity wrappers.</summary>
public sealed class BackfillFunctions(ImportArchiveFileActivity importFile, IOptions<BackfillOptions> options, AggregateTrendsStarter aggregation)
{
    [Function("StartBackfill")]
    public Task<IResult> StartBackfill(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "backfill")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        CancellationToken ct)
        => BackfillEndpoints.StartAsync(req, client, options.Value, ct, aggregation, DurablePayloads.For(client, req, ManagedOperation.Backfill));

    [Function("BackfillStatus")]
    public Task<IResult> BackfillStatus(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "backfill/{instanceId}")] HttpRequest req,
        string instanceId,
        [DurableClient] DurableTaskClient client,
        CancellationToken ct)
        => ManagementHandlers.StatusAsync(req, client, ManagedOperation.Backfill, instanceId);

    [Function(nameof(BackfillOrchestrator))]
    public Task<BackfillJobResult?> RunBackfillOrchestrator([OrchestrationTrigger] TaskOrchestrationContext ctx)
        => new BackfillOrchestrator().RunAsync(ctx, ctx.GetInput<BackfillJob>()!);

    [Function(nameof(ImportArchiveFileActivity))]
    public Task<BackfillFileResult> RunImportArchiveFileActivity([ActivityTrigger] ImportArchiveFileInput input)
        => importFile.ExecuteAsync(input);
}
