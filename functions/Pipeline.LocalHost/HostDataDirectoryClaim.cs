using System.Globalization;

namespace Pipeline.LocalHost;

/// <summary>
/// The local host's claim on its data directory (<c>host.pid</c>: "pid start-time"). One host per data directory: a second
/// one would take over the first one's Azurite and stop its PostgreSQL. A claim left by a host that is gone (killed with
/// SIGKILL, crashed, its terminal closed) is taken over after that host's <see cref="OrphanWatchdog"/> has stopped the servers
/// it left; the log says what was found and what was done. The file is removed when the host stops cleanly.
/// </summary>
internal sealed partial class HostDataDirectoryClaim : IDisposable
{
    /// <summary>How long a new host waits for the previous host's watchdog to stop that host's servers.</summary>
    public static readonly TimeSpan WatchdogWait = TimeSpan.FromSeconds(90);

    private readonly string _path;

    private HostDataDirectoryClaim(string path) => _path = path;

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, "host.pid");

    /// <summary>Claims <paramref name="dataDirectory"/> for this process; null (and a critical log line) when a live host holds it.</summary>
    public static async Task<HostDataDirectoryClaim?> ClaimAsync(string dataDirectory, ILogger logger, CancellationToken ct = default)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = PathIn(dataDirectory);
        if (LiveProcess.Read(path) is { } previous && previous.Pid != Environment.ProcessId)
        {
            if (previous.IsAlive())
            {
                LogInUse(logger, previous.Pid, dataDirectory);
                return null;
            }
            LogPreviousHostGone(logger, previous.Pid, dataDirectory);
            await WaitForWatchdogAsync(dataDirectory, previous.Pid, logger, ct);
        }
        File.WriteAllText(path, LiveProcess.Self() + "\n");
        return new HostDataDirectoryClaim(path);
    }

    private static async Task WaitForWatchdogAsync(string dataDirectory, int previousHost, ILogger logger, CancellationToken ct)
    {
        var watchdog = LiveProcess.Read(OrphanWatchdog.PidFileIn(dataDirectory));
        if (watchdog is not null && watchdog.IsAlive())
        {
            LogWaitingForWatchdog(logger, watchdog.Pid, previousHost);
            var deadline = DateTime.UtcNow + WatchdogWait;
            while (watchdog.IsAlive() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }
            if (watchdog.IsAlive())
            {
                LogWatchdogStuck(logger, watchdog.Pid, WatchdogWait.TotalSeconds);
            }
        }
        // What the watchdog did for that host, from its log, so this host's log tells the whole story.
        var marker = string.Create(CultureInfo.InvariantCulture, $"host {previousHost}:");
        var log = OrphanWatchdog.LogFileIn(dataDirectory);
        var report = File.Exists(log) ? File.ReadLines(log).Where(l => l.Contains(marker, StringComparison.Ordinal)).TakeLast(10).ToList() : [];
        foreach (var line in report)
        {
            LogWatchdogReport(logger, line);
        }
        if (report.Count == 0)
        {
            LogNoWatchdog(logger, previousHost);
        }
    }

    public void Dispose()
    {
        try
        {
            if (LiveProcess.Read(_path)?.Pid == Environment.ProcessId) File.Delete(_path);
        }
        catch (IOException)
        {
            // Best effort: a left claim names a dead pid and is taken over by the next start.
        }
    }

    [LoggerMessage(EventId = 8011, Level = LogLevel.Critical, Message = "Another local host (pid {Pid}) is running on the data directory {DataDirectory}: stop it first, or give this one its own Host:DataDirectory. Exit code 1.")]
    private static partial void LogInUse(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(EventId = 8012, Level = LogLevel.Warning, Message = "The previous local host on {DataDirectory} (pid {Pid}) did not stop cleanly (killed or crashed): cleaning up after it")]
    private static partial void LogPreviousHostGone(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(EventId = 8013, Level = LogLevel.Information, Message = "Waiting for the watchdog (pid {Watchdog}) of the previous host (pid {Host}) to stop the servers that host left running")]
    private static partial void LogWaitingForWatchdog(ILogger logger, int watchdog, int host);

    [LoggerMessage(EventId = 8014, Level = LogLevel.Warning, Message = "The watchdog (pid {Watchdog}) of the previous host is still running after {Seconds} s: going on; servers it did not stop are adopted or stopped now")]
    private static partial void LogWatchdogStuck(ILogger logger, int watchdog, double seconds);

    [LoggerMessage(EventId = 8015, Level = LogLevel.Warning, Message = "No watchdog cleaned up after the previous host (pid {Host}): servers it left running are adopted or stopped now")]
    private static partial void LogNoWatchdog(ILogger logger, int host);

    [LoggerMessage(EventId = 8016, Level = LogLevel.Warning, Message = "Watchdog: {Line}")]
    private static partial void LogWatchdogReport(ILogger logger, string line);
}

/// <summary>A process identified by pid and start time (so a pid reused by another process is not taken for it), read from
/// <c>/proc</c>.</summary>
internal sealed record LiveProcess(int Pid, long StartTime)
{
    public static LiveProcess Self() => new(Environment.ProcessId, StartTimeOf(Environment.ProcessId) ?? 0);

    /// <summary>A "pid start-time" file; null when missing or malformed.</summary>
    public static LiveProcess? Read(string path)
    {
        try
        {
            var parts = File.Exists(path) ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var start)
                ? new LiveProcess(pid, start)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Running (not a zombie) and still the same process.</summary>
    public bool IsAlive() => Stat(Pid) is { } stat && stat.State != 'Z' && stat.StartTime == StartTime;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTime}");

    public static long? StartTimeOf(int pid) => Stat(pid)?.StartTime;

    private static (char State, long StartTime)? Stat(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ... starttime(22nd) ..."; comm may hold spaces, so split after the last ')'.
            var text = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], long.Parse(fields[19], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
