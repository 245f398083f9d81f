using Pipeline.Embedded;
using Pipeline.Ingestion.Archive;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.LocalHost;

/// <summary>
/// `backfill &lt;file|url&gt;...`: streams GH Archive hourly files into topic github.events. The consumer of a running
/// pipeline stores them. Without Kafka:BootstrapServers it publishes to the embedded broker of a running `make run`,
/// whose address that host wrote to .pipeline/kafka-bootstrap.txt.
/// </summary>
public static class BackfillCli
{
    public static async Task<int> RunAsync(string[] args, IConfiguration configuration)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync(BackfillCommand.Usage);
            return 2;
        }
        var overrides = new Dictionary<string, string?>();
        if (string.IsNullOrWhiteSpace(configuration["Kafka:BootstrapServers"]))
        {
            var dataDirectory = configuration["Host:DataDirectory"] ?? ".pipeline";
            var root = RepositoryPaths.TryFindRoot() ?? Directory.GetCurrentDirectory();
            var bootstrapFile = Path.Combine(Path.IsPathRooted(dataDirectory) ? dataDirectory : Path.Combine(root, dataDirectory), "kafka-bootstrap.txt");
            if (!File.Exists(bootstrapFile))
            {
                await Console.Error.WriteLineAsync($"No Kafka:BootstrapServers set and no running local host ({bootstrapFile} missing): start `make run` first, or set Kafka__BootstrapServers.");
                return 2;
            }
            overrides["Kafka:BootstrapServers"] = File.ReadAllText(bootstrapFile).Trim();
        }
        var settings = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(overrides).Build();

        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(settings);
        services.AddPipelineKafka(settings);
        services.AddPipelineBackfill(settings);
        await using var provider = services.BuildServiceProvider();
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        return await BackfillCommand.RunAsync(args, provider, Console.Out, cts.Token);
    }
}
