using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Storage;

[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresFixture>;

/// <summary>The MongoDB server from <see cref="MongoTestServer"/>, when configured; a fresh database per run, dropped at the end.</summary>
public sealed class MongoFixture : IAsyncLifetime
{
    public string Database { get; } = "pipeline_test_" + Guid.NewGuid().ToString("N")[..8];

    internal Pipeline.Storage.Mongo.MongoStore? Store { get; private set; }

    public Task InitializeAsync()
    {
        if (MongoTestServer.ConnectionString is { } cs) Store = new Pipeline.Storage.Mongo.MongoStore(cs, Database);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (MongoTestServer.ConnectionString is { } cs)
        {
            using var client = new MongoDB.Driver.MongoClient(cs);
            await client.DropDatabaseAsync(Database);
        }
        Store?.Dispose();
    }

    internal Pipeline.Storage.Mongo.MongoStore RequireStore() =>
        Store ?? throw new InvalidOperationException(MongoTestServer.SkipReason);
}

[CollectionDefinition(Name)]
public sealed class MongoCollectionDefinition : ICollectionFixture<MongoFixture>
{
    public const string Name = "mongo";
}
