using Pipeline.LocalHost.Cli;

namespace Pipeline.LocalHost;

/// <summary>Command-line entry point: the commands of <see cref="CliApp"/>, sharing the host's configuration (local.settings.json, environment).</summary>
internal static class CliCommands
{
    public static bool IsCommand(string[] args) => CliApp.IsCommand(args);

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationManager();
        LocalHostConfiguration.Apply(configuration, []);
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        return await CliApp.RunAsync(args, new CliContext { Configuration = configuration }, cts.Token);
    }
}
