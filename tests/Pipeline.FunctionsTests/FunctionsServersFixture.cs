using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Embedded;
using Pipeline.Storage;

namespace Pipeline.FunctionsTests;

/// <summary>Real PostgreSQL, Azurite and librdkafka's mock cluster for the Functions app's host, which is built once from
/// Program.cs's composition pointed at them (the store's schema ensured as the app's start-up would).</summary>
public sealed class FunctionsServersFixture : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pipeline-functions-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private EmbeddedPostgres? _postgres;
    private EmbeddedAzurite? _azurite;
    private EmbeddedKafka? _kafka;

    public IHost Host { get; private set; } = null!;

    public Dictionary<string, string?> Settings { get; } = FunctionsApp.ProductionShapedSettings();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = true });
        _azurite = await EmbeddedAzurite.StartAsync(Path.Combine(_data, "azurite"));
        _kafka = EmbeddedKafka.Start(topics: [new EmbeddedTopic("github.events", 4), new EmbeddedTopic("github.events.dlq", 1)]);
        Settings["Store:PostgresConnectionString"] = _postgres.ConnectionString;
        Settings["AzureWebJobsStorage"] = _azurite.ConnectionString;
        Settings["Kafka:BootstrapServers"] = _kafka.BootstrapServers;
        Host = FunctionsApp.BuildHost(Settings);
        // What the app's StoreSchemaInitializer does at start: every collection the registered modules declare.
        var schema = Host.Services.GetRequiredService<StoreSchema>();
        await schema.EnsureAsync();
        schema.MarkReady();
    }

    public async Task DisposeAsync()
    {
        Host?.Dispose();
        _kafka?.Dispose();
        if (_azurite is not null) await _azurite.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A server may still hold a file for a moment; the temp folder is cleaned by the OS later.
        }
    }
}
