// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Audit;
using Pipeline.Audit.Catalog;
using Pipeline.Audit.Scoring;

namespace Pipeline.Orchestration.Audit;

internal static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The repository audit: options (section "Audit", validated at start), <see cref="AuditService"/>, the audit activity.
    /// Needs an <see cref="Pipeline.Storage.IDocumentStore"/> (AddPipelineStore) and, for the HTTP API, a DurableTaskClient.
    /// </summary>
    public static IServiceCollection AddPipelineAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        // The default allowed root of POST /api/audit paths: the repos/ folder of the host's data directory (when absolute).
        services.PostConfigure<AuditOptions>(o =>
        {
            o.AllowedRoots.RemoveAll(string.IsNullOrWhiteSpace);
            if (o.AllowedRoots.Count == 0 && configuration["Host:DataDirectory"] is { Length: > 0 } d && System.IO.Path.IsPathRooted(d))
                o.AllowedRoots.Add(System.IO.Path.Combine(d, "repos"));
        });
        services.AddSingleton(ToolCatalog.Default);
        services.AddSingleton(MlTestScoreRules.Default);
        services.AddSingleton(sp => new AuditService(
            sp.GetRequiredService<IOptions<AuditOptions>>().Value,
            sp.GetRequiredService<ToolCatalog>(),
            sp.GetRequiredService<MlTestScoreRules>(),
            sp.GetService<TimeProvider>()));
        services.AddActivities(AuditDurable.Tasks);
        return services;
    }
}
