using Pipeline.Embedded;
using Pipeline.Ingestion.Archive;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.LocalHost.Cli;

/// <summary>
/// The Kafka and backfill services a CLI command publishes with. Without <c>Kafka:BootstrapServers</c> it uses the embedded
/// broker of a running `make run`, whose address that host wrote to <c>&lt;data directory&gt;/kafka-bootstrap.txt</c>.
/// </summary>
internal static class CliServices
{
    /// <summary>The services, or null after writing to stderr why they cannot be built (a usage problem: exit code 2).</summary>
    public static async Task<ServiceProvider?> BuildAsync(CliContext context)
    {
        var configuration = context.Configuration;
        var overrides = new Dictionary<string, string?>();
        if (string.IsNullOrWhiteSpace(configuration["Kafka:BootstrapServers"]) && string.IsNullOrWhiteSpace(configuration["Kafka:EventHubsConnectionString"]))
        {
            var dataDirectory = configuration["Host:DataDirectory"] ?? ".pipeline";
            var root = RepositoryPaths.TryFindRoot() ?? Directory.GetCurrentDirectory();
            var bootstrapFile = Path.Combine(Path.IsPathRooted(dataDirectory) ? dataDirectory : Path.Combine(root, dataDirectory), "kafka-bootstrap.txt");
            if (!File.Exists(bootstrapFile))
            {
                await context.Err.WriteLineAsync($"error: no Kafka:BootstrapServers set and no running local host ({bootstrapFile} missing): start `make run` first, or set Kafka__BootstrapServers.");
                return null;
            }
            overrides["Kafka:BootstrapServers"] = (await File.ReadAllTextAsync(bootstrapFile)).Trim();
        }
        var settings = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(overrides).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(settings);
        services.AddPipelineKafka(settings);
        services.AddPipelineBackfill(settings);
        services.AddSingleton<DeadLetterReplayer>();
        return services.BuildServiceProvider();
    }
}
