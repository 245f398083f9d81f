using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pipeline.ServiceDefaults;

/// <summary>Runs the registered health checks of one tag (<c>live</c> or <c>ready</c>) through ASP.NET Core's HealthCheckService.</summary>
public sealed class HealthService(HealthCheckService checks)
{
    internal async Task<HealthReport> CheckAsync(string tag, CancellationToken ct)
    {
        var report = await checks.CheckHealthAsync(r => r.Tags.Contains(tag), ct);
        return ToDocument(report);
    }

    /// <summary>Readiness: every dependency.</summary>
    internal Task<HealthReport> CheckAsync(CancellationToken ct) => CheckAsync(HealthCheckRegistrations.ReadyTag, ct);

    internal static HealthReport ToDocument(Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var dependencies = report.Entries.ToDictionary(e => e.Key, e => new DependencyHealth(
            Name(e.Value.Status),
            e.Value.Description ?? (e.Value.Exception is { } x ? x.GetType().Name + ": " + x.Message : e.Value.Status.ToString()),
            e.Value.Duration.TotalMilliseconds));
        return new HealthReport(Name(report.Status), DateTimeOffset.UtcNow, dependencies);
    }

    private static string Name(HealthStatus status) => status == HealthStatus.Healthy ? "healthy" : "unhealthy";
}
