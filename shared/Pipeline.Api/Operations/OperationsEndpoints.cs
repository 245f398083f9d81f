using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Operations;

/// <summary>Health, metrics and ingestion status: what operators and probes (Kubernetes, compose, the dashboard) read.</summary>
internal static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPipelineServiceDefaults();
        app.MapGet("/api/ingestion/status", IngestionStatusService.Handle).WithName("IngestionStatus").WithTags("Operations").Produces<IngestionStatus>();
        return app;
    }
}
