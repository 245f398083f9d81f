namespace Pipeline.Bench;

/// <summary>What every benchmark prints about the machine it ran on: the machine is shared, so each result carries the load.</summary>
internal static class BenchMachine
{
    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg ("n/a" where there is none).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
