using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Pipeline.ServiceDefaults;

/// <summary>
/// Health the ASP.NET Core way (Microsoft.Extensions.Diagnostics.HealthChecks): every registered <see cref="IHealthProbe"/>
/// becomes a health check tagged <c>ready</c> (a dependency), and one check tagged <c>live</c> says only that the process
/// answers. <c>/api/health/live</c> runs the live checks, <c>/api/health/ready</c> and <c>/api/health</c> the ready ones.
/// </summary>
internal static class HealthCheckRegistrations
{
    public const string LiveTag = "live";

    public const string ReadyTag = "ready";

    /// <summary>How long one dependency may take before it counts as unhealthy.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddPipelineHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck("process", () => HealthCheckResult.Healthy("the process answers"), tags: [LiveTag]);
        services.AddSingleton<IConfigureOptions<HealthCheckServiceOptions>, ProbeRegistrations>();
        services.TryAddSingleton<HealthService>();
        return services;
    }

    /// <summary>Adds one registration per probe; probes are resolved when the health check service first needs its options.</summary>
    private sealed class ProbeRegistrations(IServiceProvider services) : IConfigureOptions<HealthCheckServiceOptions>
    {
        public void Configure(HealthCheckServiceOptions options)
        {
            foreach (var probe in services.GetServices<IHealthProbe>())
            {
                options.Registrations.Add(new HealthCheckRegistration(probe.Name, _ => new ProbeHealthCheck(probe), HealthStatus.Unhealthy, [ReadyTag], ProbeTimeout));
            }
        }
    }

    private sealed class ProbeHealthCheck(IHealthProbe probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var result = await probe.CheckAsync(cancellationToken).WaitAsync(cancellationToken);
                return result.Healthy ? HealthCheckResult.Healthy(result.Detail) : HealthCheckResult.Unhealthy(result.Detail);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"no answer within {ProbeTimeout.TotalSeconds:0}s");
            }
        }
    }
}
