using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Mongo;
using Pipeline.Storage.Postgres;

namespace Pipeline.UnitTests.Storage;

public sealed class StoreOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPipelineStore(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Postgres_is_the_default_provider()
    {
        using var sp = Build(new() { ["Store:PostgresConnectionString"] = "Host=127.0.0.1;Port=1;Username=postgres" });
        Assert.IsType<PostgresStore>(sp.GetRequiredService<IDocumentStore>());
        Assert.IsType<EventSink>(sp.GetRequiredService<Pipeline.Storage.IEventSink>());
        Assert.NotNull(sp.GetRequiredService<EventQueryService>());
        Assert.NotNull(sp.GetRequiredService<StoreHealth>());
        Assert.Equal("pipeline", sp.GetRequiredService<IOptions<StoreOptions>>().Value.MongoDatabase);
    }

    [Fact]
    public void Mongo_provider_builds_a_MongoStore()
    {
        using var sp = Build(new() { ["Store:Provider"] = "mongo", ["Store:MongoConnectionString"] = "mongodb://127.0.0.1:1", ["Store:MongoDatabase"] = "db1" });
        Assert.IsType<MongoStore>(sp.GetRequiredService<IDocumentStore>());
    }

    [Theory]
    [InlineData("postgres", null, null, "Store:PostgresConnectionString is required")]
    [InlineData("mongo", null, null, "Store:MongoConnectionString is required")]
    [InlineData("mongo", "postgres://nope", null, "Store:MongoConnectionString is not a valid MongoDB connection string")]
    [InlineData("mongo", "mongodb://h", "bad.name", "Store:MongoDatabase must be")]
    [InlineData("cassandra", null, null, "Store:Provider must be 'postgres' or 'mongo'")]
    public void Invalid_settings_fail_with_a_message_naming_the_key(string provider, string? mongo, string? database, string message)
    {
        using var sp = Build(new() { ["Store:Provider"] = provider, ["Store:MongoConnectionString"] = mongo, ["Store:MongoDatabase"] = database ?? "pipeline" });
        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<StoreOptions>>().Value);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_local_host_knows_when_to_start_an_embedded_PostgreSQL()
    {
        IConfiguration Config(Dictionary<string, string?> s) => new ConfigurationBuilder().AddInMemoryCollection(s).Build();
        Assert.True(StoreOptions.UsesEmbeddedPostgres(Config(new())));
        Assert.True(StoreOptions.UsesEmbeddedPostgres(Config(new() { ["Store:Provider"] = "Postgres" })));
        Assert.False(StoreOptions.UsesEmbeddedPostgres(Config(new() { ["Store:PostgresConnectionString"] = "Host=x" })));
        Assert.False(StoreOptions.UsesEmbeddedPostgres(Config(new() { ["Store:Provider"] = "mongo" })));
    }

    [Fact]
    public void Extra_collection_definitions_merge_into_the_default_schema()
    {
        var merged = StoreSchema.Merge([new CollectionDefinition("issues", new IndexDefinition("by_author", ["author"])), new CollectionDefinition("custom")]);
        var issues = merged.Single(c => c.Name == "issues");
        Assert.Contains(issues.Indexes, i => i.Name == "by_author");
        Assert.Contains(issues.Indexes, i => i.Name == "repo");
        Assert.Contains(merged, c => c.Name == "custom");
        // The prediction log's default indexes are retired; the ML lifecycle's definitions bring the ones its queries use.
        var predictions = StoreSchema.Merge([new CollectionDefinition("predictions", new IndexDefinition("by_model", ["model"]))]).Single(c => c.Name == "predictions");
        Assert.Equal(["by_model"], predictions.Indexes.Select(i => i.Name));
        Assert.Equal(["created_at", "model_version"], predictions.RetiredIndexes);
        var events = merged.Single(c => c.Name == "events");
        Assert.Equal(["repo", "created_at", "delivery_id", "received_at"], events.Indexes.Select(i => i.Fields[0]));
        Assert.All(events.Indexes, i => Assert.True(i.Text));
        Assert.Equal(["type"], events.RetiredIndexes);
        // An extra definition that still declares a retired index keeps it.
        var keeping = StoreSchema.Merge([new CollectionDefinition("events", new IndexDefinition("type", ["type"]))]).Single(c => c.Name == "events");
        Assert.Empty(keeping.RetiredIndexes);
        Assert.Contains(keeping.Indexes, i => i.Name == "type");
    }
}
