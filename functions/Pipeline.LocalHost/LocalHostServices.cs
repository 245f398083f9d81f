using Pipeline.Api;
using Pipeline.Ingestion.Polling;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.ML;
using Pipeline.Api.Operations;

namespace Pipeline.LocalHost;

public static class LocalHostServices
{
    /// <summary>What the Functions host would provide itself: timers as hosted services, start-up seeding.</summary>
    public static IServiceCollection AddLocalHostServices(this IServiceCollection services, IConfiguration configuration, HostingOptions hosting)
    {
        services.AddSingleton<WarmupStatus>();
        services.AddSingleton<IHealthProbe>(sp => sp.GetRequiredService<WarmupStatus>());
        services.AddHostedService<StartupWarmup>();
        if (hosting.Role == PipelineRole.Consumer)
        {
            return services;
        }
        // Models first: the first champions train on the documented synthetic issues, not on the sample events seeded next
        // (whose issue texts carry no label signal); later retrains use the store and must pass the gate.
        services.AddSingleton<IWarmupStep, EnsureModelsStep>();
        services.AddSingleton<IWarmupStep, SeedSampleDataStep>();

        // The Functions app's timer triggers, on the same schedule settings.
        services.AddPipelinePollerHostedService();
        services.AddHostedService<AggregateTrendsScheduler>();
        services.AddHostedService<MlScheduler>();
        return services;
    }

    /// <summary>
    /// Like `func start`, keys are not enforced by default. With Host:FunctionKey set, every /api route except the ones
    /// that are anonymous in the Functions app (health, metrics, the signed webhook) requires it.
    /// </summary>
    public static IApplicationBuilder UseLocalFunctionKeys(this IApplicationBuilder app, HostingOptions hosting)
    {
        if (string.IsNullOrEmpty(hosting.FunctionKey))
        {
            return app;
        }
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var anonymous = !path.StartsWithSegments("/api")
                || path.StartsWithSegments("/api/health")
                || path.StartsWithSegments("/api/metrics")
                || path.StartsWithSegments("/api/ingestion/status")
                || path.StartsWithSegments("/api/github/webhooks");
            if (!anonymous)
            {
                var key = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault();
                if (!string.Equals(key, hosting.FunctionKey, StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await context.Response.WriteAsJsonAsync(new { error = "function key required (header x-functions-key or ?code=)" });
                    return;
                }
            }
            await next(context);
        });
    }
}
