using System.Text.Json.Nodes;
using Npgsql;
using Pipeline.Embedded;
using Pipeline.Storage.Postgres;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>The throw-away and the persistent (make run) modes of <see cref="EmbeddedPostgres"/>.</summary>
public sealed class EmbeddedPostgresTests
{
    [Fact]
    public async Task A_temporary_cluster_listens_on_loopback_and_is_removed_on_dispose()
    {
        string dataDir;
        int port;
        await using (var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = true }))
        {
            dataDir = pg.DataDirectory;
            port = pg.Port;
            await using var conn = new NpgsqlConnection(pg.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT current_setting('listen_addresses'), current_setting('fsync'), current_database(), version()", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal("127.0.0.1", reader.GetString(0));
            Assert.Equal("off", reader.GetString(1));
            Assert.Equal("pipeline", reader.GetString(2));
            Assert.StartsWith("PostgreSQL 15", reader.GetString(3));
        }
        Assert.False(Directory.Exists(dataDir));
        await using var after = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=2;Pooling=false");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => after.OpenAsync());
    }

    [Fact]
    public async Task A_persistent_cluster_keeps_its_data_across_restarts_even_after_a_crash()
    {
        var root = Path.Combine("/tmp", "pipeline-pg-persist-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using (var first = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = root }))
            {
                await using var store = new PostgresStore(first.ConnectionString);
                await store.UpsertAsync("kept", "a", new JsonObject { ["v"] = 1 });
            }
            Assert.True(File.Exists(Path.Combine(root, "data", "PG_VERSION")));

            var second = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = root });
            await using (var store = new PostgresStore(second.ConnectionString))
            {
                Assert.Equal(1, (await store.GetAsync("kept", "a"))!["v"]!.GetValue<long>());
                await store.UpsertAsync("kept", "b", new JsonObject { ["v"] = 2 });
            }
            // Simulate a host killed without stopping its server: the next start finds it running and takes over.
            await using (var third = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDir = root }))
            {
                await using var store = new PostgresStore(third.ConnectionString);
                Assert.Equal(2, await store.CountAsync("kept"));
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Missing_binaries_fail_with_an_install_hint()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { BinDir = "/nonexistent/bin", Unsafe = true }));
        Assert.Contains("apt-get install postgresql", error.Message);
        Assert.Contains("/nonexistent/bin", error.Message);
    }
}
