using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Redelivery;

public static class RedeliveryServiceCollectionExtensions
{
    /// <summary>The webhook redelivery service (<c>GitHub:Redelivery</c>), one singleton the Functions timer and the worker's
    /// scheduler both call through <c>RedeliverWebhooksJob</c>.</summary>
    public static IServiceCollection AddPipelineRedelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GitHubRedeliveryOptions>().Bind(configuration.GetSection(GitHubRedeliveryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubRedeliveryOptions>, GitHubRedeliveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitHubRedeliveryService>();
        return services;
    }
}
