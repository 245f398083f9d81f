namespace Pipeline.Api;

/// <summary>Which parts of Pipeline this process runs. Containers split the HTTP app and the KEDA-scaled consumer.</summary>
public enum PipelineRole
{
    /// <summary>Everything in one process: HTTP routes, timers, orchestrations and the Kafka consumer (the `make run` default).</summary>
    All,

    /// <summary>HTTP routes, timers and orchestrations; no Kafka consumer.</summary>
    Api,

    /// <summary>Only the Kafka consumer (and /api/health, /api/metrics for probes and scraping).</summary>
    Consumer,

    /// <summary>One-shot initialiser for compose and Kubernetes: creates the store's collections and indexes, then exits 0.</summary>
    Init,
}

/// <summary>Settings of the local host (section <c>Host</c>). The Functions host has its own equivalents in host.json.</summary>
public sealed class HostingOptions
{
    public const string SectionName = "Host";

    /// <summary>all | api | consumer | init.</summary>
    public PipelineRole Role { get; set; } = PipelineRole.All;

    /// <summary>Where the local host listens.</summary>
    public string Urls { get; set; } = "http://localhost:7071";

    /// <summary>Folder for the embedded servers' data (Azurite, PostgreSQL, models) so state survives restarts.</summary>
    public string DataDirectory { get; set; } = ".pipeline";

    /// <summary>Seed the store with sample data (three years of events) and train the models when the store is empty.</summary>
    public bool SeedSampleData { get; set; } = true;

    /// <summary>When set, routes that are function-key protected in Azure require this key (header x-functions-key or ?code=).
    /// Empty (the default) behaves like `func start`: keys are not enforced.</summary>
    public string FunctionKey { get; set; } = "";

    /// <summary>Local host: requests per second one client address may make to anonymous routes (token bucket; 0 = no limit).</summary>
    public int AnonymousRequestsPerSecond { get; set; } = 100;

    /// <summary>Local host: burst allowance of that token bucket.</summary>
    public int AnonymousRequestBurst { get; set; } = 400;
}
