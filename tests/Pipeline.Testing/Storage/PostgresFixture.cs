using Pipeline.Embedded;
using Pipeline.Storage.Postgres;
using Xunit;

namespace Pipeline.Testing.Storage;

/// <summary>
/// One real PostgreSQL (Debian binaries, <see cref="EmbeddedPostgres"/>) per test collection, on a free port in a temp folder
/// that is removed at the end. Tests isolate themselves with their own databases (<see cref="CreateDatabaseAsync"/>) or
/// collection names. Use with <c>[Collection(PostgresCollection.Name)]</c> after declaring in the test assembly:
/// <code>[CollectionDefinition(PostgresCollection.Name)] public sealed class PostgresCollectionDefinition : ICollectionFixture&lt;PostgresFixture&gt;;</code>
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private EmbeddedPostgres? _server;
    private int _databases;

    public EmbeddedPostgres Server => _server ?? throw new InvalidOperationException("PostgresFixture is not initialised");

    /// <summary>Connection string of the fixture's default database.</summary>
    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync()
    {
        // fsync off: a test cluster never needs to survive a machine crash.
        _server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = true });
    }

    /// <summary>A new empty database on the server; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        return Server.CreateDatabaseAsync(name);
    }

    /// <summary>A <see cref="PostgresStore"/> on a new empty database.</summary>
    internal async Task<PostgresStore> CreateStoreAsync(string prefix = "test") => new(await CreateDatabaseAsync(prefix));

    /// <summary>Simulates an outage: stops the server at once (connections break). Only for tests that own the collection.</summary>
    public Task StopServerAsync() => Server.StopServerAsync();

    public Task StartServerAsync() => Server.StartServerAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

public static class PostgresCollection
{
    public const string Name = "postgres";
}
