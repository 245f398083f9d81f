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
                    await context.Response.WriteAsJsonAsync(new { error = "function key required (header x-functions-key or ?code=)" });
                    return;
                }
            }
            await next(context);
        });
    }
}

/// <summary>
/// The routes that are AuthorizationLevel.Function in the Azure Functions app (a test keeps this list equal to the
/// generated functions.metadata), as "METHOD api/route" with route parameters written {}.
/// </summary>
public static class FunctionKeyRoutes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "POST api/predict/issue",
        "POST api/predict/issues",
        "POST api/models/{}/aliases/champion",
        "POST api/models/{}/retrain",
        "GET api/events",
        "GET api/events/{}",
        "POST api/backfill",
        "GET api/backfill/{}",
        "POST api/audit",
        "GET api/audit",
        "GET api/audit/{}",
        "GET api/audit/{}/charts/{}",
        "POST api/jobs/aggregate",
        "GET api/jobs/aggregate/{}",
        // The management API of the long-running operations (Pipeline.Api/Management).
        "GET api/backfill",
        "POST api/backfill/{}/terminate",
        "POST api/backfill/{}/raiseEvent/{}",
        "POST api/backfill/{}/rewind",
        "DELETE api/backfill/{}",
        "GET api/jobs/aggregate",
        "POST api/jobs/aggregate/{}/terminate",
        "POST api/jobs/aggregate/{}/raiseEvent/{}",
        "POST api/jobs/aggregate/{}/rewind",
        "DELETE api/jobs/aggregate/{}",
        "GET api/models/{}/retrain",
        "POST api/models/{}/retrain/{}/terminate",
        "POST api/models/{}/retrain/{}/raiseEvent/{}",
        "POST api/models/{}/retrain/{}/rewind",
        "DELETE api/models/{}/retrain/{}",
        "POST api/audit/{}/terminate",
        "POST api/audit/{}/raiseEvent/{}",
        "POST api/audit/{}/rewind",
        "DELETE api/audit/{}",
        "GET api/audit/{}/report",
    };

    /// <summary>"METHOD api/a/{}/b" for a route template such as "/api/a/{id:int}/b".</summary>
    public static string Normalize(string method, string template) =>
        method.ToUpperInvariant() + " " + System.Text.RegularExpressions.Regex.Replace(template.Trim('/'), @"\{[^}]*\}", "{}");

    public static bool Requires(string method, string template) => All.Contains(Normalize(method, template));
}
