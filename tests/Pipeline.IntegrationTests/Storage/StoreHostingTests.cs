using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Pipeline.Storage;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Storage;

/// <summary><c>AddPipelineStore</c> in a real generic host: the schema is created at start-up and health turns ok.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreHostingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_host_creates_every_collection_and_index_at_start_up()
    {
        var cs = await postgres.CreateDatabaseAsync("hosted");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Store:PostgresConnectionString"] = cs });
        builder.Services.AddPipelineStore(builder.Configuration);
        builder.Services.AddPipelineStore(builder.Configuration); // both hosts' composition may call it; registering twice is harmless
        builder.Services.AddSingleton(new CollectionDefinition("extra_things", new IndexDefinition("by_kind", ["kind"])));
        using var host = builder.Build();
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<StoreSchemaInitializer>());
        await host.StartAsync();
        try
        {
            var schema = host.Services.GetRequiredService<StoreSchema>();
            await schema.Ready.WaitAsync(TimeSpan.FromSeconds(60));
            var health = await host.Services.GetRequiredService<StoreHealth>().CheckAsync();
            Assert.True(health.Healthy, health.Status);

            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'", conn);
            var indexes = new List<(string Table, string Index)>();
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var collection in typeof(Pipeline.Domain.Collections).GetFields().Select(f => (string)f.GetValue(null)!))
            {
                Assert.Contains(indexes, i => i.Table == collection && i.Index == collection + "_pkey");
            }
            foreach (var index in new[] { "events__repo_text", "events__created_at_text", "events__delivery_id_text", "events__received_at_text", "extra_things__by_kind" })
            {
                Assert.Contains(indexes, i => i.Index == index);
            }
            Assert.DoesNotContain(indexes, i => i.Index is "events__type" or "events__repo");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
