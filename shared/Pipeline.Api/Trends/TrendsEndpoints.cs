using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Trends;
using Pipeline.Api.Management;
using Pipeline.Orchestration.Analytics;

namespace Pipeline.Api.Trends;

internal static class TrendsEndpoints
{
    /// <summary>
    /// Trends and aggregation routes: GET /api/trends/dimensions, GET /api/trends/{metric}, POST /api/jobs/aggregate,
    /// GET /api/jobs/runs. Needs AddPipelineAnalytics, AddPipelineAnalyticsOrchestration
    /// and a DurableTaskClient (the aggregation routes only).
    /// </summary>
    public static IEndpointRouteBuilder MapTrendsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/trends/dimensions", (HttpRequest req, TrendsQueryService trends) => TrendsHandlers.GetDimensionsAsync(req, trends));
        app.MapGet("/api/trends/{metric}", (HttpRequest req, string metric, TrendsQueryService trends) => TrendsHandlers.GetTrendAsync(req, metric, trends));
        // Status, list, terminate and purge of aggregation runs: ManagementEndpoints.
        app.MapPost("/api/jobs/aggregate", (HttpRequest req, DurableTaskClient client, AggregateTrendsStarter starter) =>
                TrendsHandlers.StartAggregationAsync(req, client, starter))
            .WithName("StartAggregation").WithTags("Aggregation").Produces<ManagementPayload>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapGet("/api/jobs/runs", (HttpRequest req, JobRunStore runs) => TrendsHandlers.GetRunsAsync(req, runs));
        return app;
    }
}
