using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>Webhook verification and ingestion (needs an <see cref="IEventPublisher"/> registered elsewhere), with the
    /// durable inbox on blob storage and its relay (a hosted service) when <c>GitHub:DurableAcceptance</c> is on.</summary>
    public static IServiceCollection AddPipelineWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.StorageConnectionString)) o.StorageConnectionString = configuration["AzureWebJobsStorage"] ?? "";
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWebhookInbox>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
            var clientOptions = new BlobClientOptions();
            // Bounded: a storage outage must answer 503 within DurableWriteTimeout, not after the SDK's default retries.
            clientOptions.Retry.MaxRetries = 2;
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(100);
            clientOptions.Retry.NetworkTimeout = o.DurableWriteTimeout;
            return new BlobWebhookInbox(new BlobContainerClient(o.StorageConnectionString, o.InboxContainer, clientOptions), o.InboxCompression);
        });
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<WebhookOptions>>();
            return new WebhookRelay(o.Value.DurableAcceptance ? sp.GetRequiredService<IWebhookInbox>() : null,
                sp.GetRequiredService<IEventPublisher>(), o, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookRelay>>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<WebhookRelay>());
        services.TryAddSingleton(sp => new WebhookIngestService(
            sp.GetRequiredService<IEventPublisher>(), sp.GetRequiredService<IOptions<WebhookOptions>>(),
            sp.GetRequiredService<ILogger<WebhookIngestService>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WebhookRelay>()));
        return services;
    }
}
