using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Pipeline.Embedded;

namespace Pipeline.Testing.Hosting;

/// <summary>
/// The real local host (`make run`'s process) started as a child process on a free port with its own data folder —
/// embedded Azurite, PostgreSQL, Kafka mock cluster and Durable Task sidecar included — for end-to-end tests.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private LocalHostProcess(Process process, string baseUrl, string dataDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string BaseUrl { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    public string LogTail(int lines = 60) => string.Join(Environment.NewLine, _log.TakeLast(lines));

    /// <summary>Starts the host and waits until GET /api/health answers 200. The port is picked here and bound by the
    /// host seconds later, after its embedded servers are up; when another process (a parallel test's host) took it
    /// meanwhile, the host is started again on another port.</summary>
    public static async Task<LocalHostProcess> StartAsync(string dataDirectory, IDictionary<string, string>? settings = null,
        TimeSpan? readyTimeout = null, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = PortFinder.FreeTcpPort();
            try
            {
                return await StartOnPortAsync(port, dataDirectory, settings, readyTimeout, ct);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains($"Failed to bind to address http://127.0.0.1:{port}", StringComparison.Ordinal))
            {
                // taken between the pick and the bind: try another
            }
        }
    }

    private static async Task<LocalHostProcess> StartOnPortAsync(int port, string dataDirectory, IDictionary<string, string>? settings,
        TimeSpan? readyTimeout, CancellationToken ct)
    {
        var baseUrl = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.FindRoot(),
        };
        psi.ArgumentList.Add(HostAssemblyPath());
        psi.Environment["Host__Urls"] = baseUrl;
        psi.Environment["Host__DataDirectory"] = dataDirectory;
        psi.Environment["Host__SeedSampleData"] = "false";
        psi.Environment["PIPELINE_LOCAL_SETTINGS"] = Path.Combine(dataDirectory, "no-local-settings.json");
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the local host");
        var host = new LocalHostProcess(process, baseUrl, dataDirectory);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host._log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host._log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilHealthyAsync(readyTimeout ?? TimeSpan.FromSeconds(180), ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public static string HostAssemblyPath()
    {
        // Test assemblies live in .../bin/<Configuration>/net10.0/; the host is built with the same configuration.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(RepositoryPaths.FindRoot(), "functions", "Pipeline.LocalHost", "bin", configuration, "net10.0", "Pipeline.LocalHost.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("build functions/Pipeline.LocalHost first", path);
        }
        return path;
    }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // the rest of its output, so the message has its last lines
                throw new InvalidOperationException($"the local host exited with code {_process.ExitCode}:{Environment.NewLine}{LogTail()}");
            }
            try
            {
                using var response = await Http.GetAsync("/api/health", ct);
                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}";
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(500, ct);
        }
        throw new TimeoutException($"the local host was not healthy within {timeout}: last health answer {last}{Environment.NewLine}{LogTail()}");
    }

    /// <summary>SIGKILL, as a crash would: no shutdown code runs.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (what Ctrl-C and `docker stop` send), then waits for a clean exit.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            try
            {
                await StopGracefullyAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
