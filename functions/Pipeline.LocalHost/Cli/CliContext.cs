namespace Pipeline.LocalHost.Cli;

/// <summary>What a CLI command runs against: configuration, the two output streams, and (for tests) ready-made services.</summary>
internal sealed class CliContext
{
    public required IConfiguration Configuration { get; init; }

    /// <summary>Results (summaries, written files).</summary>
    public TextWriter Out { get; init; } = Console.Out;

    /// <summary>Errors, usage messages and progress bars.</summary>
    public TextWriter Err { get; init; } = Console.Error;

    /// <summary>True when stderr is a terminal: progress bars redraw in place.</summary>
    public bool Interactive { get; init; } = !Console.IsErrorRedirected;

    /// <summary>When set, backfill and dlq use these services instead of building Kafka clients from the configuration.</summary>
    public IServiceProvider? Services { get; init; }
}
