namespace Pipeline.LocalHost;

/// <summary>Settings of the local development launcher (section <c>Host</c>; the worker reads <c>Host:Role</c> from the same
/// section, see Pipeline.Worker's WorkerOptions). The Functions host has its own equivalents in host.json.</summary>
internal sealed class HostingOptions
{
    public const string SectionName = "Host";

    /// <summary>Where the launcher listens.</summary>
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
