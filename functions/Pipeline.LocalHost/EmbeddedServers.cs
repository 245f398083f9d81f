using Pipeline.Embedded;

namespace Pipeline.LocalHost;

/// <summary>
/// Starts the real local servers that the configuration does not point elsewhere: Azurite when AzureWebJobsStorage is
/// unset or UseDevelopmentStorage, PostgreSQL when the store is postgres without a connection string, and librdkafka's
/// mock Kafka cluster when Kafka:BootstrapServers is unset. Returns the settings that point the app at them.
/// </summary>
internal sealed class EmbeddedServers : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _started = [];

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Descriptions { get; } = [];

    /// <summary>The Azurite this host started (null when the configuration points elsewhere).</summary>
    public EmbeddedAzurite? Azurite { get; private set; }

    /// <summary>The PostgreSQL this host started (null when the configuration points elsewhere).</summary>
    public EmbeddedPostgres? Postgres { get; private set; }

    public static async Task<EmbeddedServers> StartAsync(IConfiguration configuration, string dataDirectory, ILogger logger, CancellationToken ct = default)
    {
        var servers = new EmbeddedServers();
        try
        {
            Directory.CreateDirectory(dataDirectory);
            servers.EnsureLocalWebhookSecret(configuration, dataDirectory, logger);

            var storage = configuration["AzureWebJobsStorage"];
            if (string.IsNullOrWhiteSpace(storage) || storage.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
            {
                var azurite = await EmbeddedAzurite.StartAsync(Path.Combine(dataDirectory, "azurite"), ct, logger);
                servers._started.Add(azurite);
                servers.Azurite = azurite;
                servers.Settings["AzureWebJobsStorage"] = azurite.ConnectionString;
                servers.Describe(logger, $"Azurite (npm) blob:{azurite.BlobPort} queue:{azurite.QueuePort} table:{azurite.TablePort}, data in {dataDirectory}/azurite");
            }

            var provider = configuration["Store:Provider"] ?? "postgres";
            if (provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(configuration["Store:PostgresConnectionString"]))
            {
                var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(Path.GetFullPath(dataDirectory), "postgres"), ct, logger);
                servers._started.Add(postgres);
                servers.Postgres = postgres;
                servers.Settings["Store:PostgresConnectionString"] = postgres.ConnectionString;
                servers.Describe(logger, $"PostgreSQL {postgres.ConnectionString.Split(';').FirstOrDefault(p => p.StartsWith("Port", StringComparison.OrdinalIgnoreCase))}, data in {dataDirectory}/postgres");
            }

            if (string.IsNullOrWhiteSpace(configuration["Kafka:BootstrapServers"]))
            {
                var topics = new[]
                {
                    new EmbeddedTopic(configuration["Kafka:Topic"] ?? "github.events", EmbeddedKafka.DefaultEventPartitions),
                    new EmbeddedTopic(configuration["Kafka:DeadLetterTopic"] ?? "github.events.dlq", 4),
                };
                var kafka = EmbeddedKafka.Start(topics: topics, logger: logger);
                servers._started.Add(new AsyncDisposableAdapter(kafka));
                servers.Settings["Kafka:BootstrapServers"] = kafka.BootstrapServers;
                var bootstrapFile = Path.Combine(dataDirectory, "kafka-bootstrap.txt");
                kafka.WriteBootstrapFile(bootstrapFile);
                servers.Describe(logger, $"Kafka protocol: librdkafka mock cluster at {kafka.BootstrapServers} (in-memory, lost on exit; written to {bootstrapFile})");
            }
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
        return servers;
    }

    /// <summary>
    /// Webhook signatures are always verified. With no secret configured, the local host makes one for this data folder
    /// (kept in .pipeline/, never in the repository) and says where it is, so a developer can point a repo webhook at it.
    /// </summary>
    private void EnsureLocalWebhookSecret(IConfiguration configuration, string dataDirectory, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(configuration["GitHub:WebhookSecret"]) || configuration.GetSection("GitHub:WebhookSecrets").GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value)))
        {
            return;
        }
        var path = Path.Combine(dataDirectory, "webhook-secret.txt");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).ToLowerInvariant());
        }
        Settings["GitHub:WebhookSecret"] = File.ReadAllText(path).Trim();
        Describe(logger, $"GitHub:WebhookSecret not set: using the local secret in {path}");
    }

    private void Describe(ILogger logger, string text)
    {
        Descriptions.Add(text);
        EmbeddedServersLog.EmbeddedServerDescribed(logger, text);
    }

    private sealed class AsyncDisposableAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Stop in reverse order of start.
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            try
            {
                await _started[i].DisposeAsync();
            }
            catch (Exception)
            {
                // Best effort: shutting down must stop every other server even if one fails to stop.
            }
        }
        _started.Clear();
    }
}

/// <summary>The source-generated log messages of EmbeddedServers (event ids: docs/architecture.md).</summary>
internal static partial class EmbeddedServersLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Embedded: {Server}")]
    public static partial void EmbeddedServerDescribed(ILogger logger, string server);
}
