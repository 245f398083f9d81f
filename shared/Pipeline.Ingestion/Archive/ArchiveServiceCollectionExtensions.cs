using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Archive;

public static class ArchiveServiceCollectionExtensions
{
    /// <summary>GH Archive reading and backfill import (needs an <see cref="IEventPublisher"/> registered elsewhere).</summary>
    public static IServiceCollection AddPipelineBackfill(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackfillOptions>().Bind(configuration.GetSection(BackfillOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BackfillOptions>, BackfillOptionsValidator>());
        // The default allowed root is the imports/ folder of the host's data directory, when the host has one (absolute).
        services.PostConfigure<BackfillOptions>(o =>
        {
            if (configuration["Host:DataDirectory"] is { Length: > 0 } d && Path.IsPathRooted(d)) o.DataDirectory ??= d;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BackfillOptions>>().Value;
            var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None, AllowAutoRedirect = false }) { Timeout = o.HttpTimeout };
            http.DefaultRequestHeaders.UserAgent.ParseAdd("Pipeline-Backfill/1.0");
            return new GhArchiveReader(http, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<BackfillService>();
        return services;
    }
}
