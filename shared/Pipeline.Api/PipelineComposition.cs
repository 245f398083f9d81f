using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Operations;

namespace Pipeline.Api;

/// <summary>
/// Composition root shared by both hosts: the Azure Functions app and the local host register the same services here,
/// so a trigger and a local route resolve the same implementation.
/// </summary>
public static class PipelineComposition
{
    public static IServiceCollection AddPipeline(this IServiceCollection services, IConfiguration configuration, PipelineRole role)
    {
        services.AddOptions<HostingOptions>().Bind(configuration.GetSection(HostingOptions.SectionName));
        services.AddSingleton<HealthService>();
        return services;
    }

    /// <summary>Maps every /api route and the dashboard for the local host (the Functions app declares the same routes as triggers).</summary>
    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder app, PipelineRole role)
    {
        app.MapOperationsEndpoints();
        return app;
    }
}
