using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Pipeline.Analytics;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Trends;
using Pipeline.Orchestration.Analytics;

namespace Pipeline.Api.Trends;

/// <summary>HTTP handlers of the trends API and the aggregation jobs, shared by the local host and the Functions app.</summary>
public static class TrendsHandlers
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>GET /api/trends/{metric}?repo=&amp;language=&amp;from=&amp;to=&amp;compareYears=N</c> (plus kind, measure, limit).</summary>
    public static async Task<IResult> GetTrendAsync(HttpRequest request, string metric, TrendsQueryService trends)
    {
        if (!TrendQueryParser.TryParse(metric, name => request.Query[name].FirstOrDefault(), trends.Today, out var query, out var error))
        {
            return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Invalid trends query");
        }
        var response = await trends.QueryAsync(query!, request.HttpContext.RequestAborted);
        return Results.Json(response, Json);
    }

    /// <summary><c>GET /api/trends/dimensions</c>: repositories, languages and metrics for the dashboard's filters.</summary>
    public static async Task<IResult> GetDimensionsAsync(HttpRequest request, TrendsQueryService trends) =>
        Results.Json(await trends.DimensionsAsync(request.HttpContext.RequestAborted), Json);

    /// <summary><c>POST /api/jobs/aggregate</c> with an optional body <c>{from, to, force, engine}</c>: 202 + status URL.</summary>
    public static async Task<IResult> StartAggregationAsync(HttpRequest request, DurableTaskClient client, AggregateTrendsStarter starter)
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
                return Results.Problem("The body must be JSON like {\"from\":\"2025-01-01\",\"to\":\"2025-12-31\",\"force\":false,\"engine\":\"duckdb\"}: " + e.Message,
                    statusCode: StatusCodes.Status400BadRequest, title: "Invalid aggregation request");
            }
        }
        foreach (var (name, value) in new[] { ("from", body.From), ("to", body.To) })
        {
            if (value is not null && !DateOnly.TryParseExact(value, Periods.DateFormat, out _))
            {
                return Results.Problem($"'{name}' must be a date as yyyy-MM-dd (was '{value}').", statusCode: StatusCodes.Status400BadRequest, title: "Invalid aggregation request");
            }
        }
        if (body.From is not null && body.To is not null && string.CompareOrdinal(body.From, body.To) > 0)
        {
            return Results.Problem("'from' is after 'to'.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid aggregation request");
        }
        if (body.Engine is not null and not (AnalyticsOptions.DuckDbEngine or AnalyticsOptions.SparkEngine))
        {
            return Results.Problem($"'engine' must be '{AnalyticsOptions.DuckDbEngine}' or '{AnalyticsOptions.SparkEngine}'.", statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid aggregation request");
        }
        var instanceId = await starter.StartAsync(client, body, "manual", ct: request.HttpContext.RequestAborted);
        var statusUrl = StatusUrl(request, instanceId);
        return new WithLocation(Results.Json(new { instanceId, statusUrl }, Json, statusCode: StatusCodes.Status202Accepted), statusUrl);
    }

    /// <summary><c>GET /api/jobs/aggregate/{id}</c>: the orchestration's status, with its output or failure; 404 if unknown.</summary>
    public static async Task<IResult> GetAggregationAsync(HttpRequest request, string id, DurableTaskClient client)
    {
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, request.HttpContext.RequestAborted);
        if (instance is null)
        {
            return Results.Problem($"No aggregation run '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
        return Results.Json(new
        {
            instanceId = instance.InstanceId,
            name = instance.Name,
            runtimeStatus = instance.RuntimeStatus.ToString(),
            createdAt = instance.CreatedAt,
            lastUpdatedAt = instance.LastUpdatedAt,
            output = instance.SerializedOutput is { } o ? JsonNode.Parse(o) : null,
            failure = instance.FailureDetails is { } f ? new { f.ErrorType, f.ErrorMessage } : null,
            statusUrl = StatusUrl(request, instance.InstanceId),
        }, Json);
    }

    /// <summary><c>GET /api/jobs/runs?limit=20</c>: the latest run documents, newest first.</summary>
    public static async Task<IResult> GetRunsAsync(HttpRequest request, JobRunStore runs)
    {
        var limit = int.TryParse(request.Query["limit"].FirstOrDefault(), out var l) ? Math.Clamp(l, 1, 200) : 20;
        var docs = await runs.RecentAsync(limit, request.HttpContext.RequestAborted);
        return Results.Json(new { runs = docs }, Json);
    }

    private static string StatusUrl(HttpRequest request, string instanceId)
    {
        // Same path shape under both hosts: the local host maps /api/..., the Functions host adds the api/ prefix.
        return $"{request.Scheme}://{request.Host}{request.PathBase}/api/jobs/aggregate/{Uri.EscapeDataString(instanceId)}";
    }

    private sealed class WithLocation(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
