namespace Pipeline.LocalHost.Cli;

/// <summary>Exit codes of every CLI command (documented in docs/operations.md and the README).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked (bad lines of a backfill are counted and reported, not fatal).</summary>
    public const int Ok = 0;

    /// <summary>The command ran and failed: a file could not be read, publishing failed, a source was unavailable.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: unknown command or option, missing or invalid value.</summary>
    public const int Usage = 2;
}
