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
        // The current generation's precomputed response, from memory: no store round trip, no serialisation per request.
        return Send(request, await trends.QueryServedAsync(query!, request.HttpContext.RequestAborted));
    }

    /// <summary><c>GET /api/trends/dimensions</c>: repositories, languages and metrics for the dashboard's filters.</summary>
    public static async Task<IResult> GetDimensionsAsync(HttpRequest request, TrendsQueryService trends) =>
        Send(request, await trends.DimensionsServedAsync(request.HttpContext.RequestAborted));

    /// <summary>
    /// Sends a stored response: with its ETag (304 and no body when the client holds it: If-None-Match), gzip-compressed
    /// when the client accepts gzip (compressed once per response, not per request). <c>no-cache</c>: a client may keep
    /// it but asks again each time, so a new results generation shows at once. The JSON bytes are the same either way.
    /// </summary>
    private static IResult Send(HttpRequest request, TrendsServedResponse response)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.ETag = response.ETag;
        headers.CacheControl = "no-cache";
        if (response.Compressible) headers.Vary = "Accept-Encoding";
        if (IfNoneMatch(request, response.ETag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        if (response.Compressible && AcceptsGzip(request))
        {
            headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(response.Gzip, JsonContentType);
        }
        return TypedResults.Bytes(response.Json, JsonContentType);
    }

    private static bool IfNoneMatch(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            if (value is null) continue;
            foreach (var tag in value.Split(',', StringSplitOptions.TrimEntries))
            {
                // Weak comparison (RFC 9110 13.1.2): a proxy that compressed our body may have weakened the tag.
                if (tag == "*" || tag == etag || (tag.StartsWith("W/", StringComparison.Ordinal) && tag.AsSpan(2).SequenceEqual(etag))) return true;
            }
        }
        return false;
    }

    /// <summary>Whether Accept-Encoding names gzip (or *) without <c>q=0</c>.</summary>
    internal static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is null) continue;
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var semicolon = part.IndexOf(';');
                var coding = (semicolon < 0 ? part : part[..semicolon]).Trim();
                if (!coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) && coding != "*") continue;
                if (semicolon < 0) return true;
                var q = part[(semicolon + 1)..].Replace(" ", "", StringComparison.Ordinal);
                return !(q.StartsWith("q=0", StringComparison.OrdinalIgnoreCase) && !q.AsSpan(3).ContainsAnyInRange('1', '9'));
            }
        }
        return false;
    }

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
