using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Trends;
using Pipeline.Embedded;

namespace Pipeline.Bench.Analytics;

/// <summary>
/// Trends serving on the local host's own routes: <c>GET /api/trends/{metric}</c> and <c>/api/trends/dimensions</c> of
/// functions/Pipeline.LocalHost (the `make run` launcher, started here as its own process on a free port with a reusable
/// data directory: embedded PostgreSQL, Azurite and broker, three years of seeded sample events, trends aggregated, which
/// precomputes the responses into the results table). 50 closed-loop clients (each sends its next request when the
/// previous answer arrived) cycle through the dashboard's queries: every metric for each period of its selector, the kind
/// and measure variants, the dimensions. Each run first starts an aggregation through <c>POST /api/jobs/aggregate</c> and
/// waits for it (a new results generation). Latency is per request, from send to the last byte.
/// Usage: <c>trends [--clients 50] [--seconds 20] [--runs 3] [--cache-seconds 0] [--memory 1] [--gzip] [--url http://host:port] [--data dir]</c>
/// (<c>--memory</c> is the host's <c>Analytics:TrendsServeFromMemory</c>: 1 = the current generation's responses from
/// memory, 0 = with <c>--cache-seconds</c> 0 every request reads its row from the results table; <c>--cache-seconds</c> is
/// <c>Analytics:TrendsCacheSeconds</c>; <c>--gzip</c>: the clients send Accept-Encoding: gzip and decompress, the floor
/// then serves the same compressed bytes; <c>--url</c> drives an already running host instead and leaves it running).
/// </summary>
public static class TrendsServingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Arg(args, "--clients", 50);
        var seconds = Arg(args, "--seconds", 20);
        var runs = Arg(args, "--runs", 3);
        var cacheSeconds = Arg(args, "--cache-seconds", 0);
        var memory = Arg(args, "--memory", 1) != 0;
        var gzip = args.Contains("--gzip");
        var url = ArgString(args, "--url");
        var data = ArgString(args, "--data") ?? Path.Combine(Path.GetTempPath(), "pipeline-bench-trends-host");
        Console.WriteLine($"trends serving: {clients} clients, {runs} runs of {seconds} s, {Environment.ProcessorCount} cores, load average {BenchMachine.LoadAverage()}");

        Process? host = null;
        try
        {
            if (url is null)
            {
                (host, url) = StartLocalHost(data, cacheSeconds, memory);
                Console.WriteLine($"local host pid {host.Id} on {url} (data in {data}, Analytics:TrendsCacheSeconds={cacheSeconds}, Analytics:TrendsServeFromMemory={memory}, gzip clients: {gzip}); waiting for /api/health/ready");
            }
            using var http = new HttpClient(Handler(clients, gzip))
            {
                BaseAddress = new Uri(url),
                Timeout = TimeSpan.FromSeconds(60),
            };
            await WaitReadyAsync(http, host, TimeSpan.FromMinutes(40));

            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var urls = TrendsQueryService.DashboardQueries(today).Select(Url).Append("/api/trends/dimensions").ToList();
            var p99s = new List<double>();
            var rates = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var aggregation = await AggregateAsync(http);
                // Warm-up: every URL once (the first read after a new generation), then a second of load.
                foreach (var u in urls) (await http.GetAsync(u)).EnsureSuccessStatusCode();
                await DriveAsync(http, urls, clients, TimeSpan.FromSeconds(2));
                var load = BenchMachine.LoadAverage();
                var result = await DriveAsync(http, urls, clients, TimeSpan.FromSeconds(seconds));
                var sorted = result.Latencies.Order().ToArray();
                double P(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
                p99s.Add(P(0.99));
                rates.Add(result.Ok / result.Seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}: {result.Ok} ok, {result.Errors} errors, {result.Ok / result.Seconds:F0} req/s, p50 {P(0.5):F2} ms, p90 {P(0.9):F2} ms, p99 {P(0.99):F2} ms, " +
                    $"p99.9 {P(0.999):F2} ms, max {sorted[^1]:F2} ms; {urls.Count} distinct queries; aggregation before it {aggregation:F1} s; load average {load} before, {BenchMachine.LoadAverage()} after"));
                if (result.Errors > 0) Console.WriteLine("  errors: " + string.Join(", ", result.ErrorKinds.Select(kv => $"{kv.Key} x{kv.Value}")));
                // The floor in the same run: a bare Kestrel (in this process) answering the same URLs with the same bytes from a dictionary.
                var floor = await BareFloorAsync(http, urls, clients, TimeSpan.FromSeconds(seconds), gzip);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  floor, bare Kestrel serving the same bytes from memory: {floor.Rate:F0} req/s, p50 {floor.P50:F2} ms, p99 {floor.P99:F2} ms (ours p99 = {P(0.99) / floor.P99:F2}x); load average {BenchMachine.LoadAverage()}"));
            }
            var median = p99s.Order().ElementAt(p99s.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median of {runs} runs: p99 {median:F2} ms (target < 50 ms: {(median < 50 ? "met" : "NOT met")}), {rates.Order().ElementAt(rates.Count / 2):F0} req/s; p99 per run: {string.Join(" / ", p99s.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)))}"));
            return median < 50 ? 0 : 1;
        }
        finally
        {
            if (host is not null) await StopAsync(host);
        }
    }

    private static string Url(TrendQuery q)
    {
        var parts = new List<string> { "from=" + Periods.Format(q.From), "to=" + Periods.Format(q.To), "compareYears=" + q.CompareYears.ToString(CultureInfo.InvariantCulture) };
        if (q.Metric is "time-to-close" or "issues-prs") parts.Add("kind=" + q.Kind);
        if (q.Metric == "languages") parts.Add("measure=" + q.Measure);
        if (q.Metric == "top-growing") parts.Add("limit=" + q.Limit.ToString(CultureInfo.InvariantCulture));
        return $"/api/trends/{q.Metric}?{string.Join('&', parts)}";
    }

    private sealed record Result(int Ok, int Errors, double Seconds, List<double> Latencies, Dictionary<string, int> ErrorKinds);

    private static async Task<Result> DriveAsync(HttpClient http, IReadOnlyList<string> urls, int clients, TimeSpan duration)
    {
        var ok = 0;
        var errors = 0;
        var kinds = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var latencies = new List<double>[clients];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(8192);
            var i = c * 17;
            while (Stopwatch.GetTimestamp() < end)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(urls[i++ % urls.Count], HttpCompletionOption.ResponseContentRead);
                    if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
                    else
                    {
                        Interlocked.Increment(ref errors);
                        kinds.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    kinds.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                }
                mine.Add((Stopwatch.GetTimestamp() - t0) * 1000.0 / Stopwatch.Frequency);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return new Result(ok, errors, (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency, latencies.SelectMany(l => l).ToList(), new(kinds));
    }

    /// <summary>The clients' handler; with <paramref name="gzip"/> they accept gzip and decompress (as browsers do).</summary>
    private static SocketsHttpHandler Handler(int clients, bool gzip) => new()
    {
        MaxConnectionsPerServer = clients * 2,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        AutomaticDecompression = gzip ? DecompressionMethods.GZip : DecompressionMethods.None,
    };

    private static async Task<(double Rate, double P50, double P99)> BareFloorAsync(HttpClient host, IReadOnlyList<string> urls, int clients, TimeSpan duration, bool gzip)
    {
        // The floor sends what our host sends: the same bytes as received on the wire (compressed when gzip is on).
        var bodies = new Dictionary<string, (byte[] Body, string? Encoding)>(StringComparer.Ordinal);
        using (var raw = new HttpClient(Handler(clients, gzip: false)) { BaseAddress = host.BaseAddress })
        {
            foreach (var u in urls)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, u);
                if (gzip) request.Headers.AcceptEncoding.ParseAdd("gzip");
                using var response = await raw.SendAsync(request);
                bodies[u] = (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentEncoding.FirstOrDefault());
            }
        }
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/{**path}", (Microsoft.AspNetCore.Http.HttpRequest r) =>
        {
            var (body, encoding) = bodies[r.Path + r.QueryString];
            if (encoding is not null) r.HttpContext.Response.Headers.ContentEncoding = encoding;
            return Microsoft.AspNetCore.Http.TypedResults.Bytes(body, "application/json; charset=utf-8");
        });
        await app.StartAsync();
        using var http = new HttpClient(Handler(clients, gzip))
        {
            BaseAddress = new Uri(app.Urls.First()),
        };
        await DriveAsync(http, urls, clients, TimeSpan.FromSeconds(2));
        var result = await DriveAsync(http, urls, clients, duration);
        await app.StopAsync();
        var sorted = result.Latencies.Order().ToArray();
        double P(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return (result.Ok / result.Seconds, P(0.5), P(0.99));
    }

    /// <summary>Starts an aggregation run and waits for it; returns its duration in seconds.</summary>
    private static async Task<double> AggregateAsync(HttpClient http)
    {
        var sw = Stopwatch.StartNew();
        using var started = await http.PostAsync("/api/jobs/aggregate", null);
        started.EnsureSuccessStatusCode();
        var payload = await started.Content.ReadFromJsonAsync<JsonObject>();
        var status = payload!["statusQueryGetUri"]!.GetValue<string>();
        while (sw.Elapsed < TimeSpan.FromMinutes(20))
        {
            var state = await http.GetFromJsonAsync<JsonObject>(status);
            var runtime = state?["runtimeStatus"]?.GetValue<string>();
            if (runtime is "Completed") return sw.Elapsed.TotalSeconds;
            if (runtime is "Failed" or "Terminated") throw new InvalidOperationException($"aggregation ended {runtime}: {state}");
            await Task.Delay(500);
        }
        throw new TimeoutException("aggregation did not finish within 20 minutes");
    }

    private static (Process Host, string Url) StartLocalHost(string data, int cacheSeconds, bool memory)
    {
        var root = RepositoryPaths.FindRoot();
        var dll = Path.Combine(root, "functions", "Pipeline.LocalHost", "bin", "Release", "net10.0", "Pipeline.LocalHost.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("build the local host first: dotnet build -c Release functions/Pipeline.LocalHost", dll);
        var port = PortFinder.FreeTcpPort();
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     dll, $"--Host:Urls={url}", $"--Host:DataDirectory={data}", "--Host:AnonymousRequestsPerSecond=0",
                     $"--Analytics:TrendsCacheSeconds={cacheSeconds}", $"--Analytics:TrendsServeFromMemory={(memory ? "true" : "false")}", "--Analytics:ScheduleEnabled=false",
                     "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Pipeline=Information",
                 })
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the local host");
        var log = Path.Combine(Path.GetTempPath(), $"pipeline-bench-trends-host-{process.Id}.log");
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Console.WriteLine($"local host log: {log}");
        return (process, url);
    }

    private static async Task WaitReadyAsync(HttpClient http, Process? host, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        var last = "";
        while (sw.Elapsed < timeout)
        {
            if (host is { HasExited: true }) throw new InvalidOperationException($"the local host exited with code {host.ExitCode}");
            try
            {
                using var response = await http.GetAsync("/api/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Console.WriteLine($"ready after {sw.Elapsed.TotalSeconds:F0} s");
                    return;
                }
                var body = await response.Content.ReadAsStringAsync();
                if (body != last && sw.Elapsed.TotalSeconds > 5) Console.WriteLine($"  {sw.Elapsed.TotalSeconds:F0} s: {(body.Length > 200 ? body[..200] : body)}");
                last = body;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(2000);
        }
        throw new TimeoutException($"the local host was not ready within {timeout}");
    }

    /// <summary>Graceful stop (SIGTERM; the host stops its embedded servers), then the whole tree if it hangs. Not SIGINT: a
    /// process started in the background by a shell ignores it.</summary>
    private static async Task StopAsync(Process host)
    {
        if (host.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", host.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await host.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            host.Kill(entireProcessTree: true);
        }
    }


    private static int Arg(string[] args, string name, int fallback) =>
        ArgString(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string? ArgString(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
