using Microsoft.Extensions.Configuration;
using Pipeline.LocalHost.Cli;

namespace Pipeline.UnitTests.Hosting;

/// <summary>The local host's command line: help for every command, exit codes 0/1/2, errors on stderr, no server start by mistake.</summary>
public sealed class CliAppTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            // No Kafka and no running host: commands that need a broker stop with a usage error naming what to do.
            Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Host:DataDirectory"] = Path.Combine(Path.GetTempPath(), "pipeline-cli-" + Guid.NewGuid().ToString("N")),
            }).Build(),
            Out = stdout,
            Err = stderr,
            Interactive = false,
        };
        var exit = await CliApp.RunAsync(args, context);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--Host:Urls=http://127.0.0.1:7072" }, false)]
    [InlineData(new[] { "--Kafka:BootstrapServers", "localhost:9092" }, false)]
    [InlineData(new[] { "backfill" }, true)]
    [InlineData(new[] { "bakfill" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new[] { "-h" }, true)]
    [InlineData(new[] { "--verbose" }, true)]
    public void Only_no_arguments_or_configuration_switches_start_the_server(string[] args, bool isCommand) =>
        Assert.Equal(isCommand, CliApp.IsCommand(args));

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_on_stderr()
    {
        var (exit, stdout, stderr) = await RunAsync("bakfill", "x.json.gz");
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("bakfill", stderr);
        Assert.Contains("--help", stderr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    public async Task Root_help_lists_every_command_and_the_exit_codes(string arg)
    {
        var (exit, stdout, _) = await RunAsync(arg);
        Assert.Equal(0, exit);
        foreach (var command in new[] { "backfill", "audit", "dlq" }) Assert.Contains(command, stdout);
        Assert.Contains("0 ok, 1 failure, 2 usage", stdout);
    }

    [Theory]
    [InlineData("backfill", new[] { "--from", "--to", "--base-url", "--repo", "--org", "--type", "files" })]
    [InlineData("audit", new[] { "--since", "--out", "--top", "--file", "--json", "--markdown", "target" })]
    [InlineData("dlq replay", new[] { "--max", "--group" })]
    public async Task Every_command_has_help_for_each_option_and_exits_0(string command, string[] options)
    {
        var (exit, stdout, stderr) = await RunAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        foreach (var option in options) Assert.Contains(option, stdout);
        // Every option line carries a description after its name.
        var optionLines = stdout.Split('\n').Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(optionLines);
        Assert.All(optionLines, l => Assert.Matches(@"^\s*--\S+.*\s{2,}\S", l));
    }

    [Fact]
    public async Task Unknown_options_and_missing_values_are_usage_errors()
    {
        Assert.Equal(2, (await RunAsync("backfill", "--nope")).Exit);
        Assert.Equal(2, (await RunAsync("backfill", "--from")).Exit);
        Assert.Equal(2, (await RunAsync("audit")).Exit);
        Assert.Equal(2, (await RunAsync("dlq")).Exit);
        Assert.Equal(2, (await RunAsync("dlq", "replay", "--max", "0")).Exit);
        Assert.Equal(2, (await RunAsync("audit", ".", "--top", "many")).Exit);
    }

    [Fact]
    public async Task Backfill_without_a_broker_or_running_host_says_what_to_do_and_exits_2()
    {
        var (exit, stdout, stderr) = await RunAsync("backfill", "2024-01-01-0.json.gz");
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("make run", stderr);
    }

    [Fact]
    public async Task Audit_of_a_missing_source_fails_with_exit_1_or_2_and_an_error_on_stderr()
    {
        var (exit, stdout, stderr) = await RunAsync("audit", Path.Combine(Path.GetTempPath(), "no-such-repo-" + Guid.NewGuid().ToString("N")));
        Assert.InRange(exit, 1, 2);
        Assert.DoesNotContain("ML Test Score", stdout);
        Assert.NotEmpty(stderr);
    }
}
