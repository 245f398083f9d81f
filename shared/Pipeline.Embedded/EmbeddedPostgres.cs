using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Pipeline.Embedded;

/// <summary>
/// A real PostgreSQL cluster from Debian's binaries on 127.0.0.1 and a free port, started with initdb/pg_ctl.
/// PostgreSQL refuses to run as root, so when we are root its commands run as the <c>postgres</c> user
/// (<c>runuser -u postgres --</c>) in a folder that user owns. Authentication is trust, which is safe only because the
/// server listens on loopback and a private unix-socket folder.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    // Environment.UserName reads the effective uid's passwd entry on Unix.
    private static readonly bool IsRoot = Environment.UserName == "root";

    private readonly string _binDir;
    private readonly string _rootDir;
    private readonly bool _ownsRootDir;
    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private int _disposed;

    private EmbeddedPostgres(string binDir, string rootDir, bool ownsRootDir, int port, EmbeddedPostgresOptions options, ILogger logger)
    {
        _binDir = binDir;
        _rootDir = rootDir;
        _ownsRootDir = ownsRootDir;
        Port = port;
        _options = options;
        _logger = logger;
    }

    public int Port { get; private set; }

    /// <summary>The folder holding pg_ctl and postgres.</summary>
    public string BinDirectory => _binDir;

    /// <summary>True when the server's commands run as the <c>postgres</c> user (through runuser), because we are root.</summary>
    public static bool RunsAsPostgresUser => IsRoot;

    /// <summary>The cluster's data folder (PGDATA).</summary>
    public string DataDirectory => Path.Combine(_rootDir, "data");

    /// <summary>Where the server writes its log (useful when a test fails).</summary>
    public string LogFile => Path.Combine(_rootDir, "postgres.log");

    public bool IsRunning { get; private set; }

    /// <summary>Npgsql connection string for the <see cref="EmbeddedPostgresOptions.Database"/> database.</summary>
    public string ConnectionString => ConnectionStringFor(_options.Database);

    /// <summary>Connection string for another database on this server (see <see cref="CreateDatabaseAsync"/>).</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Database = database,
            Pooling = true,
            MaxPoolSize = 50,
            Timeout = 15, // connecting forks a backend; on a loaded CI machine that can take seconds
            CommandTimeout = 60,
        }.ConnectionString;

    public static Task<EmbeddedPostgres> StartAsync(string? dataDir = null, CancellationToken ct = default, ILogger? logger = null) =>
        StartAsync(new EmbeddedPostgresOptions { DataDir = dataDir, Unsafe = dataDir is null }, ct, logger);

    /// <summary>Initialises (if needed) and starts a cluster; returns once it accepts connections. A server left running on a
    /// persistent cluster by a killed host is stopped first (fast shutdown) and started again on a new port;
    /// <paramref name="logger"/> says so.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, CancellationToken ct = default, ILogger? logger = null)
    {
        var binDir = ResolveBinDir(options.BinDir);
        if (IsRoot && !await UserExistsAsync(SuperUser, ct))
        {
            throw new InvalidOperationException(
                "PostgreSQL refuses to run as root and there is no 'postgres' user to run it as: install the server with `apt-get install postgresql` (it creates that user).");
        }

        var owns = options.DataDir is null;
        var rootDir = options.DataDir is null
            ? Path.Combine("/tmp", "pipeline-pg-" + Guid.NewGuid().ToString("N")[..12])
            : Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(rootDir);
        if (IsRoot)
        {
            // The server process (user postgres) must own its folder and be able to reach it.
            await RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", rootDir], asPostgres: false, ct);
            EnsureTraversable(rootDir);
        }

        var port = options.Port == 0 ? PortFinder.FreeTcpPort() : options.Port;
        var pg = new EmbeddedPostgres(binDir, rootDir, owns, port, options, logger ?? NullLogger.Instance);
        try
        {
            if (!File.Exists(Path.Combine(pg.DataDirectory, "PG_VERSION")))
            {
                await pg.InitDbAsync(ct);
            }
            else
            {
                await pg.StopStaleServerAsync(ct);
            }
            await pg.StartOnPortAsync(mayMove: options.Port == 0, ct);
            await pg.EnsureDatabaseAsync(options.Database, ct);
        }
        catch
        {
            await pg.DisposeAsync();
            throw;
        }
        return pg;
    }

    /// <summary>Starts the server; when we picked its port, a port taken between picking and binding (by another server
    /// or an outgoing connection's ephemeral port, common when many test hosts start servers at once) moves the server
    /// to another free port instead of failing.</summary>
    private async Task StartOnPortAsync(bool mayMove, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartServerAsync(ct);
                return;
            }
            catch (InvalidOperationException e) when (mayMove && attempt < 4 && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                LogPortTaken(_logger, Port);
                Port = PortFinder.FreeTcpPort();
            }
        }
    }

    /// <summary>Creates an empty database (if missing) and returns its connection string; lets test classes stay isolated
    /// on one server.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        await EnsureDatabaseAsync(name, ct);
        return ConnectionStringFor(name);
    }

    /// <summary>Starts the server (again) on the same port and data; used after <see cref="StopServerAsync"/> in outage tests.</summary>
    public async Task StartServerAsync(CancellationToken ct = default)
    {
        if (IsRunning) return;
        var settings = new StringBuilder()
            .Append($"-p {Port} -k {_rootDir} -c listen_addresses=127.0.0.1 -c max_connections=200");
        if (_options.Unsafe)
        {
            // Not synchronous_commit=off: that loses acknowledged commits when the server is killed (outage tests do that);
            // without fsync they survive a server crash, just not an OS crash.
            settings.Append(" -c fsync=off -c full_page_writes=off");
        }
        await RunAsync(Path.Combine(_binDir, "pg_ctl"),
            ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", settings.ToString(), "start"], asPostgres: IsRoot, ct,
            onFailure: () => TailLog());
        IsRunning = true;
        await PortFinder.WaitForTcpAsync(Port, TimeSpan.FromSeconds(30), ct);
    }

    /// <summary>True when the postmaster named in <c>postmaster.pid</c> is a live process (false after a crash or a kill).</summary>
    public bool IsServerAlive()
    {
        try
        {
            var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            if (!File.Exists(pidFile)) return false;
            var first = File.ReadLines(pidFile).FirstOrDefault();
            return int.TryParse(first, out var pid) && Directory.Exists($"/proc/{pid}")
                && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // cannot tell: assume alive rather than restart a running server
        }
    }

    /// <summary>Starts the server again after it died (same port and data; PostgreSQL recovers from its WAL).</summary>
    public async Task RestartServerAsync(CancellationToken ct = default)
    {
        IsRunning = false;
        await StartServerAsync(ct);
    }

    /// <summary>Stops the server at once (like a crash: <c>pg_ctl stop -m immediate</c>); data stays.</summary>
    public async Task StopServerAsync(CancellationToken ct = default)
    {
        if (!IsRunning) return;
        await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "-w", "-t", "30", "-m", "immediate", "stop"],
            asPostgres: IsRoot, ct);
        IsRunning = false;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            if (IsRunning)
            {
                // Persistent clusters get a clean shutdown; throw-away ones need no checkpoint.
                var mode = _ownsRootDir ? "immediate" : "fast";
                await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "-w", "-t", "30", "-m", mode, "stop"],
                    asPostgres: IsRoot, CancellationToken.None);
                IsRunning = false;
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped (or never started); nothing else to do.
        }
        if (_ownsRootDir)
        {
            try { Directory.Delete(_rootDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task InitDbAsync(CancellationToken ct)
    {
        await RunAsync(Path.Combine(_binDir, "initdb"),
            ["-D", DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            asPostgres: IsRoot, ct);
    }

    private async Task StopStaleServerAsync(CancellationToken ct)
    {
        // A persistent cluster left running by a killed host: stop it so we start it on our port with our settings.
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)) return;
        var stalePid = File.ReadLines(pidFile).FirstOrDefault() ?? "?";
        var status = await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "status"], asPostgres: IsRoot, ct,
            throwOnError: false);
        if (status == 0)
        {
            LogStoppingStale(_logger, stalePid, DataDirectory);
            await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "-w", "-t", "30", "-m", "fast", "stop"],
                asPostgres: IsRoot, ct);
        }
        else
        {
            // The server itself replaces a lock file whose process is gone, and replays its WAL.
            LogStaleLockFile(_logger, stalePid, DataDirectory);
        }
    }

    [LoggerMessage(EventId = 9050, Level = LogLevel.Debug, Message = "Port {Port} was taken before PostgreSQL bound it; trying another")]
    private static partial void LogPortTaken(ILogger logger, int port);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Stopping PostgreSQL (postmaster pid {Pid}) left running on {DataDir} by a host that did not stop cleanly (fast shutdown); it starts again on this host's port")]
    private static partial void LogStoppingStale(ILogger logger, string pid, string dataDir);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "PostgreSQL on {DataDir} did not shut down cleanly (postmaster.pid names pid {Pid}, which is not running): it recovers from its WAL on start")]
    private static partial void LogStaleLockFile(ILogger logger, string pid, string dataDir);

    private async Task EnsureDatabaseAsync(string name, CancellationToken ct)
    {
        if (name == "postgres") return;
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z_][a-z0-9_]{0,62}$"))
        {
            throw new ArgumentException($"Database name '{name}' must match [a-z_][a-z0-9_]*", nameof(name));
        }
        await using var conn = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false");
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.AddWithValue(name);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // created concurrently
            }
        }
    }

    private string TailLog()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    private static string ResolveBinDir(string? configured)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(configured))
        {
            // An explicit folder is used or fails; no silent fallback to another installation.
            if (File.Exists(Path.Combine(configured, "initdb")) && File.Exists(Path.Combine(configured, "pg_ctl"))) return configured;
            throw new InvalidOperationException(
                $"PostgreSQL server binaries (initdb, pg_ctl) not found in {configured}: install them with `apt-get install postgresql` " +
                "(Debian/Ubuntu) or point the setting at their folder.");
        }
        var env = Environment.GetEnvironmentVariable("PIPELINE_POSTGRES_BIN");
        if (!string.IsNullOrEmpty(env)) candidates.Add(env);
        candidates.Add("/usr/lib/postgresql/15/bin");
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }
        foreach (var dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in " + string.Join(", ", candidates.Distinct()) +
            ": install them with `apt-get install postgresql` (Debian/Ubuntu), set PIPELINE_POSTGRES_BIN to their folder, " +
            "or set Store:PostgresConnectionString to an existing server.");
    }

    private static void EnsureTraversable(string dir)
    {
        // The postgres user needs execute permission on every parent folder to reach its data.
        for (var d = new DirectoryInfo(dir).Parent; d is not null; d = d.Parent)
        {
            if (OperatingSystem.IsWindows()) return;
            var mode = File.GetUnixFileMode(d.FullName);
            if ((mode & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL runs as user 'postgres', which cannot enter '{d.FullName}' (mode {mode}); choose a data folder under a world-traversable path such as /var/tmp.");
            }
        }
    }

    private static async Task<bool> UserExistsAsync(string user, CancellationToken ct) =>
        await RunAsync("id", ["-u", user], asPostgres: false, ct, throwOnError: false) == 0;

    private static async Task<int> RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct,
        bool throwOnError = true, Func<string>? onFailure = null)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // A cwd the postgres user can read; initdb complains otherwise.
            WorkingDirectory = "/tmp",
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", SuperUser, "--", file }) psi.ArgumentList.Add(a);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        // pg_ctl keeps the server's stdout/stderr open when it inherits them; the log file (-l) takes them instead,
        // so reading to end here terminates.
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 && throwOnError)
        {
            var detail = (await stderr).Trim();
            if (detail.Length == 0) detail = (await stdout).Trim();
            var extra = onFailure?.Invoke();
            throw new InvalidOperationException(
                $"`{file} {string.Join(' ', args)}` failed with exit code {process.ExitCode}: {detail}" +
                (string.IsNullOrEmpty(extra) ? "" : "\nServer log:\n" + extra));
        }
        return process.ExitCode;
    }
}
