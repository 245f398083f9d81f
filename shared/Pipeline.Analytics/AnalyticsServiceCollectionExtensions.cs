using Azure.Storage.Blobs;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Snapshot;
using Pipeline.Analytics.Spark;
using Pipeline.Analytics.Trends;

namespace Pipeline.Analytics;

public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>
    /// The trends analytics services: options (section <c>Analytics</c>, validated at start), the embedded job catalog,
    /// blob snapshot storage, the DuckDB and Spark engines, run log and the trends query service. Needs an
    /// <see cref="Pipeline.Storage.IDocumentStore"/> registered by the store area.
    /// </summary>
    public static IServiceCollection AddPipelineAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnalyticsOptions>().Bind(configuration.GetSection(AnalyticsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnalyticsOptions>, AnalyticsOptionsValidator>());
        services.TryAddSingleton<ITrendsJobCatalog, EmbeddedTrendsJobCatalog>();
        services.TryAddSingleton<ISnapshotStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value;
            var connection = string.IsNullOrWhiteSpace(options.StorageConnectionString)
                ? configuration["AzureWebJobsStorage"]
                : options.StorageConnectionString;
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new InvalidOperationException("Analytics:StorageConnectionString (or AzureWebJobsStorage) is required for the trends snapshot");
            }
            return new BlobSnapshotStorage(new BlobContainerClient(connection, options.SnapshotContainer));
        });
        services.TryAddSingleton(sp => new LocalSnapshotCache(
            sp.GetRequiredService<ISnapshotStorage>(),
            Path.Combine(sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.ResolveCacheDirectory(), "snapshot")));
        services.TryAddSingleton<SnapshotExporter>();
        services.TryAddSingleton<JobRunStore>();
        services.TryAddSingleton<TrendsSnapshotService>();
        services.TryAddSingleton<DuckDbJobRunner>();
        services.TryAddSingleton<TrendsResultWriter>();
        services.TryAddSingleton<DuckDbJobExecutor>();
        services.TryAddSingleton(sp => new SparkApplicationClient(new Lazy<IKubernetes>(() =>
            SparkApplicationClient.CreateKubernetes(sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.Spark))));
        services.TryAddSingleton<SparkJobService>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TrendsQueryService(sp.GetRequiredService<Pipeline.Storage.IDocumentStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Microsoft.Extensions.Logging.ILogger<TrendsQueryService>>())
        {
            CacheDuration = TimeSpan.FromSeconds(Math.Max(0, sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.TrendsCacheSeconds)),
            ServeFromMemory = sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.TrendsServeFromMemory,
        });
        // The store's schema step merges every CollectionDefinition registered in DI (trends collections and their indexes).
        foreach (var definition in AnalyticsCollections.Definitions)
        {
            services.AddSingleton(definition);
        }
        return services;
    }
}
