using Pipeline.Embedded;

namespace Pipeline.LocalHost;

internal static class LocalHostConfiguration
{
    /// <summary>
    /// Layers configuration like the Functions host does: the local demo's defaults, under local.settings.json (Values),
    /// under environment variables
    /// (<c>Kafka__BootstrapServers</c>) and the command line, which win.
    /// </summary>
    public static void Apply(ConfigurationManager configuration, string[] args)
    {
        // Defaults of the local demo, under every other source: models may train on synthetic issues until the store
        // has enough real ones (Azure and Kubernetes settings say false; so does MlOptions by default).
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ml:AllowSyntheticData"] = "true" });
        var root = RepositoryPaths.TryFindRoot() ?? Directory.GetCurrentDirectory();
        var localSettings = Environment.GetEnvironmentVariable("PIPELINE_LOCAL_SETTINGS") ?? Path.Combine(root, "local.settings.json");
        configuration.AddLocalSettingsJson(localSettings);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }
}
