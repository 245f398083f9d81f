using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion.Archive;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Backfill;

namespace Pipeline.Api.Backfill;

/// <summary>
/// <c>POST /api/backfill</c> starts a GH Archive import as a durable orchestration and answers 202 with its status URL;
/// <c>GET /api/backfill/{instanceId}</c> reports progress and, when done, the result.
/// Body: <c>{"files": ["path-or-url", ...]}</c> or <c>{"from": "2024-01-01T00", "to": "2024-01-01T05", "baseUrl": "..."}</c>, with
/// optional filters <c>repos</c>, <c>orgs</c>, <c>types</c>. Local files must lie under <c>Backfill:AllowedRoots</c> and URLs
/// (files and baseUrl) name a host of <c>Backfill:AllowedHosts</c>; otherwise 400, the same whether or not the path exists.
/// </summary>
public static class BackfillEndpoints
{
    public const string Route = "/api/backfill";

    // Relaxed escaping keeps reasons readable ('to' rather than \u0027to\u0027); the answers are JSON, never HTML.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapBackfillEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, (HttpRequest req, DurableTaskClient client, IOptions<BackfillOptions> options, CancellationToken ct) =>
                StartAsync(req, client, options.Value, ct, req.HttpContext.RequestServices.GetService<AggregateTrendsStarter>()))
            .WithName("StartBackfill").DisableAntiforgery();
        app.MapGet(Route + "/{instanceId}", (string instanceId, DurableTaskClient client, CancellationToken ct) => StatusAsync(instanceId, client, ct))
            .WithName("BackfillStatus");
        return app;
    }

    /// <param name="aggregation">When given, the backfill ends by running the trend aggregation over what it imported.</param>
    public static async Task<IResult> StartAsync(HttpRequest req, DurableTaskClient client, BackfillOptions options, CancellationToken ct,
        AggregateTrendsStarter? aggregation = null)
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
        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(BackfillOrchestrator), job, ct);
        var statusUrl = $"{Route}/{instanceId}";
        req.HttpContext.Response.Headers.Location = statusUrl;
        return Results.Json(new { instanceId, statusUrl, files = sources.Count }, Json, statusCode: StatusCodes.Status202Accepted);
    }

    public static async Task<IResult> StatusAsync(string instanceId, DurableTaskClient client, CancellationToken ct)
    {
        var meta = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
        if (meta is null) return Results.Json(new { error = $"no backfill with id {instanceId}" }, Json, statusCode: StatusCodes.Status404NotFound);
        var done = meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed;
        return Results.Json(new
        {
            instanceId = meta.InstanceId,
            runtimeStatus = meta.RuntimeStatus.ToString(),
            createdAt = meta.CreatedAt,
            lastUpdatedAt = meta.LastUpdatedAt,
            progress = meta.SerializedCustomStatus is null ? null : meta.ReadCustomStatusAs<BackfillJobStatus>(),
            result = done ? meta.ReadOutputAs<BackfillJobResult>() : null,
            failure = meta.FailureDetails?.ErrorMessage,
        }, Json);
    }

    private static IResult Problem(string error, IReadOnlyList<string>? errors = null) =>
        Results.Json(new { error, errors = errors ?? [] }, Json, statusCode: StatusCodes.Status400BadRequest);
}
