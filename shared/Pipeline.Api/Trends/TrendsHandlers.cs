using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Pipeline.Analytics;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Trends;
using Pipeline.Api.Management;
using Pipeline.Domain.Json;
using Pipeline.Orchestration.Analytics;

namespace Pipeline.Api.Trends;

/// <summary>HTTP handlers of the trends API and the aggregation jobs, shared by the local host and the Functions app.</summary>
public static class TrendsHandlers
{
    private static JsonSerializerOptions Json => PipelineJson.Options;

    /// <summary><c>GET /api/trends/{metric}?repo=&amp;language=&amp;from=&amp;to=&amp;compareYears=N</c> (plus kind, measure, limit).</summary>
    public static async Task<IResult> GetTrendAsync(HttpRequest request, string metric, TrendsQueryService trends)
    {
        if (!TrendQueryParser.TryParse(metric, name => request.Query[name].FirstOrDefault(), trends.Today, out var query, out var error))
        {
            return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Invalid trends query");
        }
        // The serialised response from the results table: one indexed lookup, no serialisation per request.
        return TypedResults.Bytes(await trends.QueryJsonAsync(query!, request.HttpContext.RequestAborted), JsonContentType);
    }

    /// <summary><c>GET /api/trends/dimensions</c>: repositories, languages and metrics for the dashboard's filters.</summary>
    public static async Task<IResult> GetDimensionsAsync(HttpRequest request, TrendsQueryService trends) =>
        TypedResults.Bytes(await trends.DimensionsJsonAsync(request.HttpContext.RequestAborted), JsonContentType);

    /// <summary>What <c>Results.Json</c> sends, so stored responses go out with the same header.</summary>
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary><c>POST /api/jobs/aggregate</c> with an optional body <c>{from, to, force, engine}</c>: 202 + the management payload.</summary>
    /// <param name="payload">The management payload for an instance id (the Functions app's Durable helper); null: this host's routes.</param>
    public static async Task<IResult> StartAggregationAsync(HttpRequest request, DurableTaskClient client, AggregateTrendsStarter starter,
        Func<string, ManagementPayload>? payload = null)
    {
        AggregateTrendsRequest body = new();
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync<AggregateTrendsRequest>(request.Body, Json, request.HttpContext.RequestAborted) ?? new();
            }
            catch (JsonException e)
            {
                return TypedResults.Problem("The body must be JSON like {\"from\":\"2025-01-01\",\"to\":\"2025-12-31\",\"force\":false,\"engine\":\"duckdb\"}: " + e.Message,
                    statusCode: StatusCodes.Status400BadRequest, title: "Invalid aggregation request");
            }
        }
        foreach (var (name, value) in new[] { ("from", body.From), ("to", body.To) })
        {
            if (value is not null && !DateOnly.TryParseExact(value, Periods.DateFormat, out _))
            {
                return TypedResults.Problem($"'{name}' must be a date as yyyy-MM-dd (was '{value}').", statusCode: StatusCodes.Status400BadRequest, title: "Invalid aggregation request");
            }
        }
        if (body.From is not null && body.To is not null && string.CompareOrdinal(body.From, body.To) > 0)
        {
            return TypedResults.Problem("'from' is after 'to'.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid aggregation request");
        }
        if (body.Engine is not null and not (AnalyticsOptions.DuckDbEngine or AnalyticsOptions.SparkEngine))
        {
            return TypedResults.Problem($"'engine' must be '{AnalyticsOptions.DuckDbEngine}' or '{AnalyticsOptions.SparkEngine}'.", statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid aggregation request");
        }
        var instanceId = await starter.StartAsync(client, body, "manual", ct: request.HttpContext.RequestAborted);
        return ManagementHandlers.Accepted(request, payload?.Invoke(instanceId) ?? ManagementHandlers.LocalPayload(request, ManagedOperation.Aggregation, instanceId));
    }

    /// <summary><c>GET /api/jobs/runs?limit=20</c>: the latest run documents, newest first.</summary>
    public static async Task<IResult> GetRunsAsync(HttpRequest request, JobRunStore runs)
    {
        var limit = int.TryParse(request.Query["limit"].FirstOrDefault(), out var l) ? Math.Clamp(l, 1, 200) : 20;
        var docs = await runs.RecentAsync(limit, request.HttpContext.RequestAborted);
        return TypedResults.Json(new JobRunsResponse(docs), Json);
    }
}
