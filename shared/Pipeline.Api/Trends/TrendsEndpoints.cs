using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Trends;
using Pipeline.Orchestration.Analytics;

namespace Pipeline.Api.Trends;

public static class TrendsEndpoints
{
    /// <summary>
    /// Trends and aggregation routes: GET /api/trends/dimensions, GET /api/trends/{metric}, POST /api/jobs/aggregate,
    /// GET /api/jobs/aggregate/{id}, GET /api/jobs/runs. Needs AddPipelineAnalytics, AddPipelineAnalyticsOrchestration
    /// and a DurableTaskClient (the aggregation routes only).
    /// </summary>
    public static IEndpointRouteBuilder MapTrendsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/trends/dimensions", (HttpRequest req, TrendsQueryService trends) => TrendsHandlers.GetDimensionsAsync(req, trends));
        app.MapGet("/api/trends/{metric}", (HttpRequest req, string metric, TrendsQueryService trends) => TrendsHandlers.GetTrendAsync(req, metric, trends));
        app.MapPost("/api/jobs/aggregate", (HttpRequest req, DurableTaskClient client, AggregateTrendsStarter starter) =>
            TrendsHandlers.StartAggregationAsync(req, client, starter));
        app.MapGet("/api/jobs/aggregate/{id}", (HttpRequest req, string id, DurableTaskClient client) => TrendsHandlers.GetAggregationAsync(req, id, client));
        app.MapGet("/api/jobs/runs", (HttpRequest req, JobRunStore runs) => TrendsHandlers.GetRunsAsync(req, runs));
        return app;
    }
}
