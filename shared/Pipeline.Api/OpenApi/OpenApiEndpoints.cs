using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scalar.AspNetCore;

namespace Pipeline.Api.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of every route (Microsoft.AspNetCore.OpenApi, generated from the endpoints and their response
/// types) at <c>/api/openapi.json</c>, and a browsable UI (Scalar) at <c>/api/docs</c>, on the local host.
/// </summary>
internal static class OpenApiEndpoints
{
    public const string DocumentRoute = "/api/openapi.json";

    public const string UiRoute = "/api/docs";

    public static IServiceCollection AddPipelineOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Pipeline API";
                document.Info.Version = "v1";
                document.Info.Description = "GitHub data ingestion, trends, ML serving and the Durable Functions management API of "
                    + "long-running operations. The same routes are served by the Azure Functions app (function keys where marked) and the local host.";
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPipelineOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentRoute);
        app.MapScalarApiReference(UiRoute, options => options.WithTitle("Pipeline API").WithOpenApiRoutePattern(DocumentRoute));
        return app;
    }
}
