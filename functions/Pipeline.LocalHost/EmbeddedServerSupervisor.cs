using Pipeline.Embedded;

namespace Pipeline.LocalHost;

/// <summary>One embedded server the local host started: how to tell it is alive and how to start it again.</summary>
/// <param name="Name">Shown in logs and in the exit message (Azurite, PostgreSQL).</param>
/// <param name="IsAlive">Cheap liveness check (process state, no network).</param>
/// <param name="Restart">Starts it again on the same ports and data.</param>
/// <param name="Describe">The exit state for the log (e.g. the exit code).</param>
/// <param name="AfterRestart">Repairs what the server may have lost with its process (e.g. the task hub on Azurite), or null.</param>
internal sealed record SupervisedServer(
    string Name, Func<bool> IsAlive, Func<CancellationToken, Task> Restart, Func<string> Describe, Func<CancellationToken, Task>? AfterRestart = null);

/// <summary>
/// Watches the embedded servers (Azurite, PostgreSQL; the Kafka mock runs inside this process) every
/// <see cref="Interval"/>. A server that exited is restarted on its ports and data folder, up to
/// <see cref="MaxRestarts"/> times in <see cref="RestartWindow"/>; if that fails the host stops with exit code
/// <see cref="ExitCode"/> and a log line naming the server, instead of answering 503 forever.
/// </summary>
internal sealed partial class EmbeddedServerSupervisor(
    IReadOnlyList<SupervisedServer> servers, IHostApplicationLifetime lifetime, ILogger<EmbeddedServerSupervisor> logger) : BackgroundService
{
    public const int ExitCode = 70; // EX_SOFTWARE
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    public const int MaxRestarts = 3;
    public static readonly TimeSpan RestartWindow = TimeSpan.FromMinutes(5);

    /// <summary>Set when the host stops because a server died; Program returns it.</summary>
    public static string? FailedServer { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var restarts = servers.ToDictionary(s => s.Name, _ => new Queue<DateTimeOffset>(), StringComparer.Ordinal);
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var server in servers)
                {
                    if (server.IsAlive()) continue;
                    var recent = restarts[server.Name];
                    while (recent.Count > 0 && DateTimeOffset.UtcNow - recent.Peek() > RestartWindow) recent.Dequeue();
                    var state = server.Describe();
                    if (recent.Count >= MaxRestarts)
                    {
                        Fail(server.Name, $"it exited {recent.Count + 1} times within {RestartWindow} ({state})");
                        return;
                    }
                    recent.Enqueue(DateTimeOffset.UtcNow);
                    LogRestarting(server.Name, state, recent.Count, MaxRestarts);
                    try
                    {
                        await server.Restart(stoppingToken);
                        if (server.AfterRestart is { } repair) await repair(stoppingToken);
                        LogRestarted(server.Name);
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        Fail(server.Name, $"it exited ({state}) and restarting it failed: {ex.Message}");
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Fail(string name, string why)
    {
        FailedServer = name;
        Environment.ExitCode = ExitCode;
        LogFatal(name, why, ExitCode);
        lifetime.StopApplication();
    }

    /// <summary>The servers of <paramref name="embedded"/> that can die separately from this process.</summary>
    /// <param name="embedded">The embedded servers the host started.</param>
    /// <param name="afterAzuriteRestart">Runs once a restarted Azurite answers (the durable sidecar re-creates its task hub).</param>
    public static IReadOnlyList<SupervisedServer> For(EmbeddedServers embedded, Func<CancellationToken, Task>? afterAzuriteRestart = null)
    {
        var list = new List<SupervisedServer>();
        if (embedded.Azurite is { } azurite)
        {
            list.Add(new SupervisedServer("Azurite", () => !azurite.HasExited, azurite.RestartAsync,
                () => $"exit code {azurite.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}", afterAzuriteRestart));
        }
        if (embedded.Postgres is { } postgres)
        {
            list.Add(new SupervisedServer("PostgreSQL", postgres.IsServerAlive, postgres.RestartServerAsync, () => $"no live postmaster; see {postgres.LogFile}"));
        }
        return list;
    }

    [LoggerMessage(EventId = 8008, Level = LogLevel.Error, Message = "Embedded {Server} died ({State}); restarting it (restart {Count} of {Max})")]
    private partial void LogRestarting(string server, string state, int count, int max);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Warning, Message = "Embedded {Server} restarted on its ports and data")]
    private partial void LogRestarted(string server);

    [LoggerMessage(EventId = 8010, Level = LogLevel.Critical, Message = "Embedded {Server} died and the local host stops: {Why}. Exit code {ExitCode}.")]
    private partial void LogFatal(string server, string why, int exitCode);
}
