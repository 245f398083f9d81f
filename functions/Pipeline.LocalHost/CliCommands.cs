namespace Pipeline.LocalHost;

/// <summary>Command-line entry points that share the host's configuration and services.</summary>
public static class CliCommands
{
    private static readonly string[] Commands = ["backfill", "audit", "help", "--help"];

    public static bool IsCommand(string arg) => Commands.Contains(arg, StringComparer.OrdinalIgnoreCase);

    public static Task<int> RunAsync(string[] args)
    {
        Console.WriteLine("""
            usage: Pipeline.LocalHost                         run the local host on :7071
                   Pipeline.LocalHost backfill <file|url>...  import GH Archive hourly files
                   Pipeline.LocalHost audit <path|owner/name> [--since yyyy-mm-dd] [--out dir]
            """);
        return Task.FromResult(args[0] is "help" or "--help" ? 0 : 2);
    }
}
