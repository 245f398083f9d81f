using Pipeline.Audit;
using Pipeline.Audit.Cli;

namespace Pipeline.LocalHost;

/// <summary>Command-line entry points that share the host's configuration (local.settings.json, environment).</summary>
public static class CliCommands
{
    private const string Usage = """
        usage: Pipeline.LocalHost                           run the local host (same /api routes as the Functions app)
               Pipeline.LocalHost audit <path|owner/name> [--since yyyy-mm-dd] [--out dir] [--top N] [--file path]
               Pipeline.LocalHost backfill <file|url>... [--publish-only]
        """;

    private static readonly string[] Commands = ["backfill", "audit", "help", "--help", "-h"];

    public static bool IsCommand(string arg) => Commands.Contains(arg, StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationManager();
        LocalHostConfiguration.Apply(configuration, []);
        var rest = args[1..];
        switch (args[0].ToLowerInvariant())
        {
            case "audit":
                var options = configuration.GetSection(AuditOptions.SectionName).Get<AuditOptions>() ?? new AuditOptions();
                return await AuditCommand.RunAsync(rest, options, Console.Out, Console.Error, CancellationToken.None);
            case "backfill":
                return await BackfillCli.RunAsync(rest, configuration);
            default:
                Console.WriteLine(Usage);
                return 0;
        }
    }
}
