using Pipeline.Embedded;

namespace Pipeline.LocalHost;

public static class LocalHostConfiguration
{
    /// <summary>
    /// Layers configuration like the Functions host does: local.settings.json (Values) under environment variables
    /// (<c>Kafka__BootstrapServers</c>) and the command line, which win.
    /// </summary>
    public static void Apply(ConfigurationManager configuration, string[] args)
    {
        var root = RepositoryPaths.TryFindRoot() ?? Directory.GetCurrentDirectory();
        var localSettings = Environment.GetEnvironmentVariable("PIPELINE_LOCAL_SETTINGS") ?? Path.Combine(root, "local.settings.json");
        configuration.AddLocalSettingsJson(localSettings);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }
}
