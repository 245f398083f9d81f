using System.Text.Json.Nodes;
using Pipeline.Embedded;
using Pipeline.Storage;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>The store contract against <see cref="PostgresStore"/> on a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresFixture postgres) : DocumentStoreContractTests, IAsyncLifetime
{
    private PostgresStore? _store;

    protected override IDocumentStore Store => _store!;

    public async Task InitializeAsync() => _store = new PostgresStore(await postgres.CreateDatabaseAsync("contract"));

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    protected override IDocumentStore CreateUnreachableStore() =>
        new PostgresStore($"Host=127.0.0.1;Port={PortFinder.FreeTcpPort()};Username=postgres;Database=x;Timeout=2");

    [StoreFact]
    public async Task Server_stopped_then_started_surfaces_unavailable_then_works_again()
    {
        // Its own server: stopping the shared one would disturb other tests.
        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = true });
        await using var store = new PostgresStore(server.ConnectionString);
        await store.UpsertAsync("outage", "before", new JsonObject { ["v"] = 1 });
        // Several pooled connections, so a dead pool is exercised after the restart.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => store.GetAsync("outage", "before")));

        await server.StopServerAsync();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.UpsertAsync("outage", "during", new JsonObject()));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("outage", "before"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PingAsync());

        await server.StartServerAsync();
        Assert.True(await store.UpsertAsync("outage", "after", new JsonObject { ["v"] = 2 }));
        Assert.Equal(1, (await store.GetAsync("outage", "before"))!["v"]!.GetValue<long>());
        Assert.Equal(2, await store.CountAsync("outage"));
        Assert.Null(await store.GetAsync("outage", "during"));
    }

    [StoreFact]
    public async Task Nul_characters_which_jsonb_cannot_hold_are_replaced_not_rejected()
    {
        var coll = Coll();
        await Store.UpsertAsync(coll, "nul", new JsonObject { ["s"] = "a\u0000b", ["literal"] = "\\u0000" });
        var back = (await Store.GetAsync(coll, "nul"))!;
        Assert.Equal("a\uFFFDb", back["s"]!.GetValue<string>());
        Assert.Equal("\\u0000", back["literal"]!.GetValue<string>());
    }
}
