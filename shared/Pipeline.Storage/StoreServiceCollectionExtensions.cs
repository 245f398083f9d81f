using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.ServiceDefaults;
using Pipeline.Storage.Events;
using Pipeline.Storage.Mongo;
using Pipeline.Storage.Postgres;

namespace Pipeline.Storage;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the document store chosen by <c>Store:Provider</c> (singleton <see cref="IDocumentStore"/>), the
    /// <see cref="IEventSink"/>, <see cref="EventQueryService"/>, <see cref="StoreHealth"/>, <see cref="StoreSchema"/> and the
    /// hosted service that creates collections and indexes at start-up. With PostgreSQL and no connection string the host
    /// must start an embedded server first (see <see cref="StoreOptions.UsesEmbeddedPostgres"/>).
    /// </summary>
    public static IServiceCollection AddPipelineStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddSingleton<IDocumentStore>(sp => CreateStore(sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.TryAddSingleton<IEventSink, EventSink>();
        services.TryAddSingleton<EventQueryService>();
        services.TryAddSingleton(sp => new StoreSchema(sp.GetRequiredService<IDocumentStore>(), sp.GetServices<CollectionDefinition>()));
        services.TryAddSingleton(sp => new StoreHealth(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<StoreSchema>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthProbe, StoreProbe>());
        services.AddHostedService(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var schema = sp.GetRequiredService<StoreSchema>();
            return new StoreSchemaInitializer(schema, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<StoreSchemaInitializer>>(), options.EnsureSchemaOnStart);
        });
        return services;
    }

    /// <summary>The adapter the options select.</summary>
    public static IDocumentStore CreateStore(StoreOptions options) => options.IsMongo
        ? new MongoStore(options.MongoConnectionString, options.MongoDatabase, options.CosmosShardKeys)
        : new PostgresStore(options.PostgresConnectionString);
}
