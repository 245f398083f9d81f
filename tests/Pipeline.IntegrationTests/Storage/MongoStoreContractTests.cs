using Pipeline.Embedded;
using Pipeline.Storage;
using Pipeline.Storage.Mongo;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>The store contract against <see cref="MongoStore"/>; skipped (visibly) unless PIPELINE_TEST_MONGO or
/// Store__MongoConnectionString names a MongoDB / Cosmos DB for MongoDB server.</summary>
[RequiresMongo]
[Collection(MongoCollectionDefinition.Name)]
public sealed class MongoStoreContractTests(MongoFixture mongo) : DocumentStoreContractTests
{
    protected override IDocumentStore Store => mongo.RequireStore();

    protected override IDocumentStore CreateUnreachableStore() =>
        new MongoStore($"mongodb://127.0.0.1:{PortFinder.FreeTcpPort()}/?connectTimeoutMS=1000", "x", serverSelectionTimeout: TimeSpan.FromSeconds(1));
}

/// <summary>Runs without a MongoDB server: the real driver against a closed port must surface the outage as
/// <see cref="StoreUnavailableException"/>, which is what makes the consumer pause instead of dead-lettering.</summary>
public sealed class MongoStoreUnreachableTests
{
    [Fact]
    public async Task An_unreachable_MongoDB_raises_StoreUnavailableException()
    {
        using var store = new MongoStore($"mongodb://127.0.0.1:{PortFinder.FreeTcpPort()}/?connectTimeoutMS=500", "x",
            serverSelectionTimeout: TimeSpan.FromMilliseconds(800));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PingAsync());
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.UpsertAsync("events", "x", new System.Text.Json.Nodes.JsonObject()));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InsertManyIfAbsentAsync("events", [new("x", new System.Text.Json.Nodes.JsonObject())]));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.FindAsync("events", DocumentQuery.All));
    }
}
