using System.Diagnostics;
using Pipeline.Embedded;

namespace Pipeline.LocalHost;

/// <summary>
/// Azurite and PostgreSQL run as separate processes. A host killed with SIGKILL (or crashed, or its terminal closed) runs no
/// shutdown code, so they would outlive it for good: PostgreSQL's pg_ctl detaches the postmaster into its own session, and
/// Azurite is reparented to init. The watchdog is a small <c>/bin/sh</c> loop in its own session (Ctrl-C and a closed terminal
/// do not reach it) that checks once a second that the host (pid and start time) is alive; once it is gone, it stops what the
/// host left, gracefully: Azurite with SIGTERM (it saves its metadata on a graceful stop; SIGKILL only after 15 s) and
/// PostgreSQL with <c>pg_ctl stop -m fast</c>, and says so in <c>watchdog.log</c>. A clean stop of the host ends the watchdog
/// first. A host starting on the same data directory waits for it (<see cref="HostDataDirectoryClaim"/>).
/// Not PR_SET_PDEATHSIG: it fires when the forking thread exits (.NET forks on whichever pool thread calls Process.Start),
/// runuser's change of user clears it, and the postmaster is not the host's child; it would also leave nothing in the log.
/// </summary>
internal sealed partial class OrphanWatchdog : IDisposable
{
    // $1 host pid, $2 its start time, $3 Azurite's pid file (or ""), $4 pg_ctl, $5 PGDATA (or ""), $6 "runuser -u postgres --" or "",
    // $7 log file, $8 the watchdog's own pid file. Process states and start times come from /proc/<pid>/stat.
    private const string Script = """
        exec </dev/null >>"$7" 2>&1
        trap '' HUP INT
        host=$1 start=$2 azurite_pids=$3 pg_ctl=$4 pg_data=$5 run_as=$6
        proc_stat() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null; }
        alive() { s=$(proc_stat "$1"); [ -n "$s" ] && [ "${s%% *}" != Z ]; }
        echo "$$ $(proc_stat $$ | cut -d' ' -f20)" >"$8"
        while s=$(proc_stat "$host") && [ -n "$s" ] && [ "${s%% *}" != Z ] && [ "$(echo "$s" | cut -d' ' -f20)" = "$start" ]; do sleep 1; done
        say() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) host $host: $*"; }
        say "exited without stopping its servers (killed or crashed); stopping them"
        pid=$(cut -d' ' -f1 "$azurite_pids" 2>/dev/null)
        if [ -n "$pid" ] && alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q azurite; then
          kill -TERM "$pid"; n=0
          while alive "$pid" && [ $n -lt 150 ]; do sleep 0.1; n=$((n+1)); done
          if alive "$pid"; then kill -KILL "$pid"; say "stopped Azurite (pid $pid) with SIGKILL: it did not stop within 15 s of SIGTERM"
          else say "stopped Azurite (pid $pid) with SIGTERM"; fi
        fi
        if [ -n "$pg_data" ] && $run_as "$pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
          if $run_as "$pg_ctl" -D "$pg_data" -m fast -w -t 30 stop >/dev/null 2>&1; then say "stopped PostgreSQL on $pg_data (fast shutdown)"
          else say "could not stop PostgreSQL on $pg_data (pg_ctl stop failed)"; fi
        fi
        rm -f "$8"
        """;

    private readonly LiveProcess _watchdog;
    private readonly string _pidFile;

    private OrphanWatchdog(LiveProcess watchdog, string pidFile)
    {
        _watchdog = watchdog;
        _pidFile = pidFile;
    }

    public static string PidFileIn(string dataDirectory) => Path.Combine(dataDirectory, "watchdog.pid");

    public static string LogFileIn(string dataDirectory) => Path.Combine(dataDirectory, "watchdog.log");

    /// <summary>Starts the watchdog over the servers of <paramref name="embedded"/> this host started; null when there are none.</summary>
    public static async Task<OrphanWatchdog?> StartAsync(EmbeddedServers embedded, string dataDirectory, ILogger logger, CancellationToken ct = default)
    {
        if (embedded.Azurite is null && embedded.Postgres is null) return null;
        var pidFile = PidFileIn(dataDirectory);
        File.Delete(pidFile);
        var self = LiveProcess.Self();
        // setsid -f: a new session, and the watchdog is not our child (nothing of ours to reap when it ends).
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "-f", "/bin/sh", "-c", Script, "pipeline-watchdog",
                     self.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     self.StartTime.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     embedded.Azurite is null ? "" : EmbeddedAzurite.PidFileIn(embedded.Azurite.DataDirectory),
                     embedded.Postgres is null ? "" : Path.Combine(embedded.Postgres.BinDirectory, "pg_ctl"),
                     embedded.Postgres?.DataDirectory ?? "",
                     EmbeddedPostgres.RunsAsPostgresUser ? "runuser -u postgres --" : "",
                     LogFileIn(dataDirectory), pidFile,
                 })
        {
            psi.ArgumentList.Add(arg);
        }
        using (var setsid = Process.Start(psi) ?? throw new InvalidOperationException("could not start the watchdog (setsid)"))
        {
            await setsid.WaitForExitAsync(ct);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        LiveProcess? watchdog;
        while ((watchdog = LiveProcess.Read(pidFile)) is null)
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"the watchdog did not start (no {pidFile}; see {LogFileIn(dataDirectory)})");
            await Task.Delay(20, ct);
        }
        LogStarted(logger, watchdog.Pid, self.Pid);
        return new OrphanWatchdog(watchdog, pidFile);
    }

    /// <summary>The host stops cleanly and stops its servers itself: the watchdog ends first, so it cannot race that.</summary>
    public void Dispose()
    {
        if (_watchdog.IsAlive())
        {
            try
            {
                using var process = Process.GetProcessById(_watchdog.Pid);
                process.Kill();
                process.WaitForExit(5_000);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }
        try { File.Delete(_pidFile); } catch (IOException) { }
    }

    [LoggerMessage(EventId = 8017, Level = LogLevel.Information, Message = "Watchdog (pid {Watchdog}) stops the embedded servers if this host (pid {Host}) is killed; its log: watchdog.log in the data directory")]
    private static partial void LogStarted(ILogger logger, int watchdog, int host);
}
