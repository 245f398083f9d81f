using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Polling;

public static class PollingServiceCollectionExtensions
{
    /// <summary>
    /// The GitHub poller (needs an <see cref="IEventPublisher"/>; uses the registered <see cref="IPollerStateStore"/>, else a
    /// <see cref="DocumentPollerStateStore"/> over the registered IDocumentStore). The token comes from <c>GitHub:Token</c>
    /// (or <c>Poller:GitHubToken</c>). The timer itself is the host's: the Functions timer trigger, or
    /// <see cref="AddPipelinePollerHostedService"/> in the local host.
    /// </summary>
    public static IServiceCollection AddPipelinePoller(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PollerOptions>()
            .Bind(configuration.GetSection(PollerOptions.SectionName))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.GitHubToken)) o.GitHubToken = configuration["GitHub:Token"];
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PollerOptions>, PollerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPollerStateStore, DocumentPollerStateStore>();
        services.TryAddSingleton<GitHubRestClient>();
        services.TryAddSingleton<IRepositoryLanguageGaps, DocumentRepositoryLanguageGaps>();
        services.TryAddSingleton<GitHubPoller>();
        return services;
    }

    /// <summary>Local host only: runs the poller on <c>Poller:Schedule</c> as a hosted service.</summary>
    public static IServiceCollection AddPipelinePollerHostedService(this IServiceCollection services)
    {
        services.AddHostedService<PollerHostedService>();
        return services;
    }
}
