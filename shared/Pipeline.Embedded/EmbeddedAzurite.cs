using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Embedded;

/// <summary>
/// Azurite (the Azure Storage emulator from npm) on free loopback ports, in a folder this instance owns.
/// Its node binary is started directly, not through npx, so disposing it leaves no orphan process. Its output goes to
/// <c>azurite.log</c> in its folder, not to a pipe of this process: an Azurite that outlives a killed host must not die of
/// a broken pipe on its next write (it is adopted, or stopped by the host's watchdog, instead).
/// </summary>
public sealed partial class EmbeddedAzurite : IAsyncDisposable
{
    // Azurite's well-known development account key; public by design (it is in Azure's docs), not a secret.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process _process;
    private readonly string _dataDir;
    private readonly bool _ownsDataDir;

    private EmbeddedAzurite(Process process, string dataDir, bool ownsDataDir, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _dataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    /// <summary>The connection string of an Azurite on these ports (e.g. the ones its pid file records).</summary>
    internal static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    /// <summary>The file that records the running Azurite of a folder: "pid blobPort queuePort tablePort".</summary>
    public static string PidFileIn(string dataDir) => Path.Combine(dataDir, "azurite.pid");

    /// <summary>The folder Azurite keeps its data in.</summary>
    public string DataDirectory => _dataDir;

    /// <summary>Where Azurite's own output goes.</summary>
    public string LogFile => Path.Combine(_dataDir, "azurite.log");

    /// <summary>True when this instance took over an Azurite left running on its folder (by a host that was killed).</summary>
    public bool Adopted { get; private init; }

    /// <summary>Starts Azurite. With <paramref name="dataDir"/> null a temporary folder is used and removed on dispose.
    /// An Azurite left running on <paramref name="dataDir"/> by a killed host is adopted when it still answers, stopped otherwise;
    /// <paramref name="logger"/> says which.</summary>
    public static Task<EmbeddedAzurite> StartAsync(string? dataDir = null, CancellationToken ct = default, ILogger? logger = null) =>
        StartAsync(dataDir, PortFinder.FreeTcpPort, ct, logger);

    /// <summary>As the public overload, with the ports picked by <paramref name="freePort"/> (tests hand it a taken one).</summary>
    internal static async Task<EmbeddedAzurite> StartAsync(string? dataDir, Func<int> freePort, CancellationToken ct, ILogger? logger)
    {
        logger ??= NullLogger.Instance;
        var owns = dataDir is null;
        dataDir ??= Path.Combine(Path.GetTempPath(), "pipeline-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var pidFile = PidFileIn(dataDir);
        if (await TryAdoptAsync(pidFile, dataDir, owns, ct) is { } adopted)
        {
            LogAdopted(logger, adopted.ProcessId, adopted.BlobPort, adopted.QueuePort, adopted.TablePort, dataDir);
            return adopted;
        }
        StopStale(pidFile, dataDir, logger);
        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = (freePort(), freePort(), freePort());
            var logStart = File.Exists(Path.Combine(dataDir, "azurite.log")) ? new FileInfo(Path.Combine(dataDir, "azurite.log")).Length : 0;
            var process = StartProcess(dataDir, blob, queue, table);
            File.WriteAllText(pidFile, FormatPidFile(process.Id, blob, queue, table));
            var azurite = new EmbeddedAzurite(process, dataDir, owns, blob, queue, table);
            try
            {
                if (await azurite.WaitUntilListeningAsync(ct))
                {
                    return azurite;
                }
            }
            catch
            {
                await azurite.DisposeAsync();
                throw;
            }
            // It exited before listening. A port picked free can be taken by another process before Azurite binds it
            // (many hosts start at once in the tests): then it is tried again on new ports; any other exit is an error.
            var output = azurite.ReadLogFrom(logStart);
            var exitCode = azurite.ExitCode;
            if (attempt < 3 && output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                azurite._process.Dispose(); // the folder stays: the next attempt uses it
                LogPortTaken(logger, blob, queue, table);
                continue;
            }
            await azurite.DisposeAsync(); // removes a temporary folder it owns
            throw new InvalidOperationException($"Azurite exited with code {exitCode} before it listened on ports {blob}, {queue}, {table}: {output.Trim()}");
        }
    }

    /// <summary>True once all three ports accept connections; false when the process exits first.</summary>
    private async Task<bool> WaitUntilListeningAsync(CancellationToken ct)
    {
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            if (!await PortFinder.WaitForTcpAsync(port, TimeSpan.FromSeconds(60), ct, () => HasExited))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>What Azurite wrote to its log since <paramref name="offset"/>, at most the last 2,000 characters.</summary>
    private string ReadLogFrom(long offset)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            var text = new StreamReader(stream).ReadToEnd();
            return text.Length > 2000 ? text[^2000..] : text;
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string FormatPidFile(int pid, int blob, int queue, int table) =>
        string.Join(' ', new[] { pid, blob, queue, table }.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static Process StartProcess(string dataDir, int blob, int queue, int table)
    {
        var script = ResolveAzuriteScript();
        // sh only opens the log and execs node (same pid): Process cannot redirect to a file by itself.
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$PIPELINE_AZURITE_LOG\" 2>&1 </dev/null");
        psi.Environment["PIPELINE_AZURITE_LOG"] = Path.Combine(dataDir, "azurite.log");
        foreach (var arg in new[]
                 {
                     "node", script, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
                     "--location", dataDir,
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            psi.ArgumentList.Add(arg);
        }
        return Process.Start(psi) ?? throw new InvalidOperationException("Could not start Azurite");
    }

    /// <summary>The Azurite process id (supervision, tests that kill it).</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the Azurite process has exited (crashed or killed).</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>The exit code of an exited Azurite, when known.</summary>
    public int? ExitCode
    {
        get
        {
            try
            {
                return _process.HasExited ? _process.ExitCode : null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
    }

    /// <summary>Starts Azurite again on the same ports and data folder (after it exited); the connection string stays valid.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        if (!HasExited) return;
        _process.Dispose();
        var logStart = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
        _process = StartProcess(_dataDir, BlobPort, QueuePort, TablePort);
        File.WriteAllText(PidFileIn(_dataDir), FormatPidFile(_process.Id, BlobPort, QueuePort, TablePort));
        if (!await WaitUntilListeningAsync(ct))
        {
            // Restarted on its own ports (the connection strings in use name them), so a taken port cannot be moved from.
            throw new InvalidOperationException($"Azurite exited with code {ExitCode} on restart before it listened: {ReadLogFrom(logStart).Trim()}");
        }
    }

    /// <summary>
    /// A host killed with SIGKILL leaves its Azurite running, with writes it has not saved to disk yet (it saves its metadata
    /// on a timer and on a graceful stop). Stopping it would risk them; taking it over keeps them. The pid file records the
    /// process and its ports; an Azurite still answering on them is adopted and stopped gracefully when this instance ends.
    /// </summary>
    private static async Task<EmbeddedAzurite?> TryAdoptAsync(string pidFile, string dataDir, bool ownsDataDir, CancellationToken ct)
    {
        if (!File.Exists(pidFile))
        {
            return null;
        }
        var parts = File.ReadAllText(pidFile).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4 || !parts.All(p => int.TryParse(p, out _)))
        {
            return null;
        }
        var (pid, blob, queue, table) = (int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]), int.Parse(parts[3]));
        var cmdline = File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline") : "";
        if (!cmdline.Contains("azurite", StringComparison.OrdinalIgnoreCase) || !cmdline.Contains(dataDir, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            foreach (var port in new[] { blob, queue, table })
            {
                await PortFinder.WaitForTcpAsync(port, TimeSpan.FromSeconds(2), ct);
            }
            return new EmbeddedAzurite(Process.GetProcessById(pid), dataDir, ownsDataDir, blob, queue, table) { Adopted = true };
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// An Azurite left on this folder that no longer answers on its ports is stopped before a new one starts on it (two servers
    /// on one folder would corrupt it).
    /// </summary>
    private static void StopStale(string pidFile, string dataDir, ILogger logger)
    {
        var first = File.Exists(pidFile) ? File.ReadAllText(pidFile).Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        if (!int.TryParse(first, out var pid))
        {
            return;
        }
        try
        {
            using var stale = Process.GetProcessById(pid);
            var cmdline = File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline") : "";
            if (cmdline.Contains("azurite", StringComparison.OrdinalIgnoreCase) && cmdline.Contains(dataDir, StringComparison.Ordinal))
            {
                LogStoppingStale(logger, pid, dataDir);
                StopGracefully(stale);
            }
        }
        catch (ArgumentException)
        {
            // no such process: the pid file is stale
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
    }

    /// <summary>
    /// SIGTERM first: Azurite keeps its metadata in LokiJS databases that it saves on a timer and on a graceful shutdown,
    /// so SIGKILL would lose the last seconds of writes (Durable Task state among them). SIGKILL only if it hangs.
    /// </summary>
    private static void StopGracefully(Process process)
    {
        if (NativeSignals.kill(process.Id, NativeSignals.SIGTERM) == 0 && process.WaitForExit(15_000))
        {
            return;
        }
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    private static class NativeSignals
    {
        public const int SIGTERM = 15;

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int kill(int pid, int sig);
    }

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning, Message = "Adopted Azurite (pid {Pid}, blob:{BlobPort} queue:{QueuePort} table:{TablePort}) left running on {DataDir} by a host that did not stop cleanly; it is stopped with this host")]
    private static partial void LogAdopted(ILogger logger, int pid, int blobPort, int queuePort, int tablePort, string dataDir);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Warning, Message = "Stopping Azurite (pid {Pid}) left running on {DataDir} by a host that did not stop cleanly: it no longer answers on its ports")]
    private static partial void LogStoppingStale(ILogger logger, int pid, string dataDir);

    [LoggerMessage(EventId = 9051, Level = LogLevel.Debug, Message = "A port of {BlobPort}, {QueuePort}, {TablePort} was taken before Azurite bound it; trying others")]
    private static partial void LogPortTaken(ILogger logger, int blobPort, int queuePort, int tablePort);

    private static string ResolveAzuriteScript()
    {
        // node_modules/.bin/azurite is a symlink to azurite/dist/src/azurite.js; run that script with node directly.
        var bin = RepositoryPaths.NodeBin("azurite");
        var target = new FileInfo(bin).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? bin;
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                StopGracefully(_process);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        if (_ownsDataDir)
        {
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
