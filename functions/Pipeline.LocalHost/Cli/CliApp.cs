using System.CommandLine;

namespace Pipeline.LocalHost.Cli;

/// <summary>
/// The local host executable's commands (System.CommandLine): <c>backfill</c>, <c>audit</c>, <c>dlq replay</c>, with help for
/// every command and option (<c>--help</c>). Exit codes: 0 ok, 1 failure, 2 usage (<see cref="ExitCodes"/>); errors and progress
/// go to stderr, results to stdout. Without arguments (or with only configuration switches such as <c>--Host:Urls=...</c>) the
/// executable starts the server instead; any other first argument is a command, and an unknown one is a usage error.
/// </summary>
internal static class CliApp
{
    /// <summary>True when the arguments ask for a CLI command rather than a server start.</summary>
    public static bool IsCommand(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0) return false;
        var first = args[0];
        // Configuration switches (`--Key=Value`, `--Section:Key value`, `/Key=Value`) start the server, as before.
        var isSwitch = (first.StartsWith("--", StringComparison.Ordinal) || first.StartsWith('/'))
                       && (first.Contains('=', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal));
        return !isSwitch;
    }

    public static RootCommand Create(CliContext context)
    {
        var root = new RootCommand("""
            Pipeline local host. Without a command it serves the /api routes and the dashboard (configuration switches such as
            --Host:Urls=http://localhost:7071 are allowed). Exit codes: 0 ok, 1 failure, 2 usage (unknown command or option, bad value).
            """)
        {
            BackfillCliCommand.Create(context),
            AuditCliCommand.Create(context),
            DlqCliCommand.Create(context),
        };
        return root;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        // `help` and `help <command>` read as --help.
        if (args.Count > 0 && args[0].Equals("help", StringComparison.OrdinalIgnoreCase)) args = [.. args.Skip(1), "--help"];
        var root = Create(context);
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Err };
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await context.Err.WriteLineAsync("error: " + error.Message);
            var command = parse.CommandResult.Command;
            await context.Err.WriteLineAsync($"Run '{(command == root ? "" : CommandPath(parse) + " ")}--help' for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(invocation, ct);
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (r.Command is not RootCommand) names.Insert(0, r.Command.Name);
        }
        return string.Join(' ', names);
    }
}
