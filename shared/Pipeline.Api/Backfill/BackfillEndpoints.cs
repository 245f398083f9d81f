using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Api.Management;
using Pipeline.Domain.Json;
using Pipeline.Ingestion.Archive;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Backfill;

namespace Pipeline.Api.Backfill;

/// <summary>
/// <c>POST /api/backfill</c> starts a GH Archive import as a durable orchestration and answers 202 with the Durable management
/// payload; <c>GET /api/backfill/{instanceId}</c> (ManagementEndpoints) reports progress (customStatus) and, when done, the output.
/// Body: <c>{"files": ["path-or-url", ...]}</c> or <c>{"from": "2024-01-01T00", "to": "2024-01-01T05", "baseUrl": "..."}</c>, with
/// optional filters <c>repos</c>, <c>orgs</c>, <c>types</c>. Local files must lie under <c>Backfill:AllowedRoots</c> and URLs
/// (files and baseUrl) name a host of <c>Backfill:AllowedHosts</c>; otherwise 400, the same whether or not the path exists.
/// </summary>
public static class BackfillEndpoints
{
    public const string Route = "/api/backfill";

    private static JsonSerializerOptions Json => PipelineJson.Options;

    public static IEndpointRouteBuilder MapBackfillEndpoints(this IEndpointRouteBuilder app)
    {
        // Status, list, terminate and purge: ManagementEndpoints.
        app.MapPost(Route, (HttpRequest req, DurableTaskClient client, IOptions<BackfillOptions> options, CancellationToken ct) =>
                StartAsync(req, client, options.Value, ct, req.HttpContext.RequestServices.GetService<AggregateTrendsStarter>()))
            .WithName("StartBackfill").WithTags("Backfill").DisableAntiforgery()
            .Produces<ManagementPayload>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    /// <param name="aggregation">When given, the backfill ends by running the trend aggregation over what it imported.</param>
    /// <param name="payload">The management payload for an instance id (the Functions app's Durable helper); null: this host's routes.</param>
    public static async Task<IResult> StartAsync(HttpRequest req, DurableTaskClient client, BackfillOptions options, CancellationToken ct,
        AggregateTrendsStarter? aggregation = null, Func<string, ManagementPayload>? payload = null)
    {
        BackfillRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<BackfillRequest>(req.Body, Json, ct);
        }
        catch (JsonException ex)
        {
            return Problem($"the body is not valid JSON: {ex.Message}");
        }
        if (request is null) return Problem("a JSON body {\"files\": [...]} or {\"from\": ..., \"to\": ...} is required");

        var (sources, errors) = request.Resolve(options);
        if (errors.Count > 0) return Problem("invalid backfill request", errors);
        // Allow-lists first, and the same answer whether or not a refused path exists (nothing is probed outside the roots).
        var range = request.Range(options);
        var refused = range is { } r
            ? options.Refusal(r.BaseUrl) is { } why ? [$"baseUrl: {why}"] : []
            : sources.Select((s, i) => options.Refusal(s) is { } reason ? $"files[{i}]: {reason}" : null).OfType<string>().Take(20).ToList();
        if (refused.Count > 0) return Problem("backfill source not allowed", refused);
        var missing = sources.Where(s => !GhArchiveReader.IsUrl(s) && !File.Exists(s)).Select(s => $"file not found: {s}").ToList();
        if (missing.Count > 0) return Problem("invalid backfill request", missing);

        var filter = request.Filter;
        var job = new BackfillJob(range is null ? sources : null)
        {
            Range = range is { } x ? new BackfillRange(x.From, x.Hours, x.BaseUrl) : null,
            Filter = filter.IsEmpty ? null : filter,
            MaxParallelFiles = options.MaxParallelFiles,
            ChunkFiles = options.ChunkFiles,
            AggregateAfter = aggregation?.CreateInput(new AggregateTrendsRequest(), "backfill"),
        };
        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(BackfillOrchestrator), job,
            new StartOrchestrationOptions(ManagedOperation.Backfill.NewInstanceId()), ct);
        return ManagementHandlers.Accepted(req, payload?.Invoke(instanceId) ?? ManagementHandlers.LocalPayload(req, ManagedOperation.Backfill, instanceId));
    }

    private static IResult Problem(string error, IReadOnlyList<string>? errors = null) =>
        TypedResults.Json(new BackfillErrorResponse(error, errors ?? []), Json, statusCode: StatusCodes.Status400BadRequest);
}
