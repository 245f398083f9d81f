using Pipeline.Api;
using Pipeline.Api.Operations;
using Pipeline.ServiceDefaults;
using Pipeline.Worker;

namespace Pipeline.LocalHost;

/// <summary>
/// The local development launcher's composition (`make run`): the HTTP app (Pipeline.Api), the worker's consumer and
/// durable worker with its schedulers over the Durable Task sidecar, and start-up seeding. The embedded servers and the
/// sidecar are started in Program.cs before this runs; their settings are already in the configuration.
/// </summary>
internal static class LauncherComposition
{
    public static IServiceCollection AddPipelineLauncher(this IServiceCollection services, IConfiguration configuration, string durableTaskAddress)
    {
        services.AddOptions<HostingOptions>().Bind(configuration.GetSection(HostingOptions.SectionName));
        services.AddPipelineHttpApi(configuration);
        services.AddPipelineConsumerWorker(configuration);
        services.AddPipelineDurableWorker(configuration, durableTaskAddress);

        services.AddSingleton<WarmupStatus>();
        services.AddSingleton<IHealthProbe>(sp => sp.GetRequiredService<WarmupStatus>());
        services.AddHostedService<StartupWarmup>();
        // Models first: the first champions train on the documented synthetic issues, not on the sample events seeded next
        // (whose issue texts carry no label signal); later retrains use the store and must pass the gate.
        services.AddSingleton<IWarmupStep, EnsureModelsStep>();
        services.AddSingleton<IWarmupStep, SeedSampleDataStep>();
        return services;
    }

    /// <summary>
    /// Like `func start`, keys are not enforced by default. With Host:FunctionKey set, exactly the routes whose Functions
    /// trigger has AuthorizationLevel.Function require it (header x-functions-key or ?code=); anonymous ones stay open.
    /// </summary>
    public static IApplicationBuilder UseLocalFunctionKeys(this IApplicationBuilder app, HostingOptions hosting)
    {
        if (string.IsNullOrEmpty(hosting.FunctionKey))
        {
            return app;
        }
        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is RouteEndpoint endpoint
                && FunctionKeyRoutes.Requires(context.Request.Method, endpoint.RoutePattern.RawText ?? ""))
            {
                var key = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault();
                if (!string.Equals(key, hosting.FunctionKey, StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await context.Response.WriteAsJsonAsync(new ErrorResponse("function key required (header x-functions-key or ?code=)"), Pipeline.Domain.Json.PipelineJson.Options);
                    return;
                }
            }
            await next(context);
        });
    }
}
