using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using Pipeline.Api.Models;
using Pipeline.Api.Predict;
using Pipeline.Embedded;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;
using Pipeline.Orchestration.ML;
using Pipeline.Storage;
using Pipeline.Storage.Postgres;

namespace Pipeline.Bench.ML;

/// <summary>
/// ML benchmarks (<c>bench ml [predict|http|retrain|all] [--clients C] [--rate N] [--seconds S] [--issues N]</c>):
/// in-process prediction latency of <see cref="PredictionService"/> vs bare <see cref="PredictionEngine{TSrc,TDst}"/> calls,
/// HTTP at saturation on loopback (C closed-loop clients, default 32; or, with <c>--rate</c>, open loop at a fixed rate) vs
/// a bare-engine endpoint on the same Kestrel in the same run, and a full retraining
/// (data set, CV grid, final fit, evaluation, registration) on N synthetic issues with each stage timed.
/// Runs on real PostgreSQL and Azurite started locally. Prints a markdown report.
/// </summary>
public static class MlBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var what = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
        var rate = IntArg(args, "--rate", 0);
        var clients = IntArg(args, "--clients", 32);
        var seconds = IntArg(args, "--seconds", 10);
        var issues = IntArg(args, "--issues", 100_000);
        var report = new StringBuilder();
        report.AppendLine($"ML benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {RuntimeInfo()}");
        report.AppendLine();
        await using var env = await BenchEnvironment.StartAsync();
        if (what is "predict" or "http" or "all")
        {
            await env.App.Services.GetRequiredService<MlBootstrapper>().EnsureChampionsAsync();
            if (what is "predict" or "all") report.Append(PredictInProcess(env));
            if (what is "http" or "all") report.Append(rate > 0 ? await PredictOverHttpAsync(env, rate, seconds) : await PredictAtSaturationAsync(env, clients, seconds));
        }
        if (what is "retrain" or "all") report.Append(await RetrainAsync(env, issues));
        Console.WriteLine(report.ToString());
        return 0;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }


    private static string RuntimeInfo() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    private static IReadOnlyList<IssuePredictionRequest> Requests(int count)
    {
        var issues = new SyntheticIssueGenerator(99).Generate(count, IssueDatasetBuilder.SyntheticStart, IssueDatasetBuilder.SyntheticEnd);
        return issues.Select(i => new IssuePredictionRequest
        {
            Title = i.Title,
            Body = i.Body,
            Repo = i.Repo,
            Author = i.Author,
            AuthorAssociation = i.AuthorAssociation,
            Language = i.Language,
        }).ToList();
    }

    /// <summary>The bare baseline: both champions' engines called directly on pre-built rows (no validation, cleaning, logging).</summary>
    private sealed class BareEngines
    {
        private readonly ServedModel _labeler;
        private readonly ServedModel _ttc;

        public BareEngines(BenchEnvironment env)
        {
            var registry = env.App.Services.GetRequiredService<ModelRegistry>();
            var labeler = registry.GetChampionAsync(ModelNames.IssueLabeler).GetAwaiter().GetResult()!;
            var ttc = registry.GetChampionAsync(ModelNames.TimeToClose).GetAwaiter().GetResult()!;
            _labeler = new ServedModel(ModelNames.IssueLabeler, labeler.Version, registry.LoadArtifactAsync(labeler).GetAwaiter().GetResult(), 1);
            _ttc = new ServedModel(ModelNames.TimeToClose, ttc.Version, registry.LoadArtifactAsync(ttc).GetAwaiter().GetResult(), 1);
            var ml = new MLContext(1);
            Labeler = ml.Model.CreatePredictionEngine<IssueModelInput, LabelerOutput>(_labeler.Model.Transformer);
            TimeToClose = ml.Model.CreatePredictionEngine<IssueModelInput, TimeToCloseOutput>(_ttc.Model.Transformer);
            _pool = new ConcurrentBag<(PredictionEngine<IssueModelInput, LabelerOutput>, PredictionEngine<IssueModelInput, TimeToCloseOutput>)>();
            _ml = ml;
        }

        private readonly MLContext _ml;
        private readonly ConcurrentBag<(PredictionEngine<IssueModelInput, LabelerOutput>, PredictionEngine<IssueModelInput, TimeToCloseOutput>)> _pool;

        public PredictionEngine<IssueModelInput, LabelerOutput> Labeler { get; }
        public PredictionEngine<IssueModelInput, TimeToCloseOutput> TimeToClose { get; }

        /// <summary>Thread-safe bare call for the HTTP baseline: a pooled pair of engines, nothing else.</summary>
        public (string Label, float Probability) PredictPooled(IssueModelInput input)
        {
            if (!_pool.TryTake(out var pair))
                pair = (_ml.Model.CreatePredictionEngine<IssueModelInput, LabelerOutput>(_labeler.Model.Transformer), _ml.Model.CreatePredictionEngine<IssueModelInput, TimeToCloseOutput>(_ttc.Model.Transformer));
            try
            {
                return (LabelerSpec.Decide(_labeler.Model, pair.Item1.Predict(input).LabelProbabilities).Top.Label, pair.Item2.Predict(input).CloseProbability);
            }
            finally
            {
                _pool.Add(pair);
            }
        }
    }

    private static IssueModelInput RawInput(IssuePredictionRequest r) => new()
    {
        Text = r.Title + " " + r.Body,
        Repo = r.Repo!,
        AuthorAssociation = r.AuthorAssociation ?? "NONE",
        Language = r.Language ?? "unknown",
    };

    private static string PredictInProcess(BenchEnvironment env)
    {
        const int n = 20_000;
        var requests = Requests(2000);
        var inputs = requests.Select(RawInput).ToList();
        var bare = new BareEngines(env);
        var service = env.App.Services.GetRequiredService<PredictionService>();
        // Warm-up
        for (var i = 0; i < 2000; i++)
        {
            bare.Labeler.Predict(inputs[i % inputs.Count]);
            bare.TimeToClose.Predict(inputs[i % inputs.Count]);
            service.Predict(requests[i % requests.Count], "bench");
        }
        var bareLatency = new double[n];
        var serviceLatency = new double[n];
        for (var round = 0; round < 2; round++) // interleave to share machine noise
        {
            for (var i = round; i < n; i += 2)
            {
                var t0 = Stopwatch.GetTimestamp();
                bare.Labeler.Predict(inputs[i % inputs.Count]);
                bare.TimeToClose.Predict(inputs[i % inputs.Count]);
                bareLatency[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                t0 = Stopwatch.GetTimestamp();
                service.Predict(requests[i % requests.Count], "bench");
                serviceLatency[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }
        var sb = new StringBuilder();
        sb.AppendLine("### Predict in-process (both models per call, single thread, 20,000 calls)");
        sb.AppendLine();
        sb.AppendLine("| path | p50 ms | p99 ms | mean ms |");
        sb.AppendLine("|---|---:|---:|---:|");
        sb.AppendLine(Row("bare PredictionEngine ×2", bareLatency));
        sb.AppendLine(Row("PredictionService.Predict (validation-free core: cleaning, history features, pooled engines, async log)", serviceLatency));
        sb.AppendLine();
        sb.AppendLine($"Overhead p50: {Percentile(serviceLatency, 50) / Percentile(bareLatency, 50):0.00}×, p99: {Percentile(serviceLatency, 99) / Percentile(bareLatency, 99):0.00}×. " +
                      $"Prediction log: {env.App.Services.GetRequiredService<PredictionLog>().Dropped} dropped.");
        sb.AppendLine();
        return sb.ToString();
    }

    /// <summary>The JSON bodies a client posts to <c>/api/predict/issue</c> for <paramref name="count"/> synthetic issues.</summary>
    private static List<byte[]> RequestBodies(int count) => Requests(count).Select(r => JsonSerializer.SerializeToUtf8Bytes(new
    {
        title = r.Title,
        body = r.Body,
        repo = r.Repo,
        author = r.Author,
        author_association = r.AuthorAssociation,
        language = r.Language,
    })).ToList();

    private static async Task<string> PredictOverHttpAsync(BenchEnvironment env, int rate, int seconds)
    {
        var bodies = RequestBodies(2000);
        var bare = new BareEngines(env);
        // Baseline endpoint in the same server: parse the JSON and call the bare engines, nothing else.
        var baseline = await BaselineServer.StartAsync(bare);
        var sb = new StringBuilder();
        sb.AppendLine($"### Predict over HTTP on loopback ({rate} req/s offered for {seconds} s, open loop, both models)");
        sb.AppendLine();
        sb.AppendLine("| endpoint | sent | ok | errors | achieved req/s | p50 ms | p99 ms | p99.9 ms |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var (bareRow, bareLat) = await LoadAsync("bare engine endpoint", baseline.Url + "bare", bodies, rate, seconds);
        var (svcRow, svcLat) = await LoadAsync("POST /api/predict/issue", env.BaseUrl + "/api/predict/issue", bodies, rate, seconds);
        sb.AppendLine(bareRow);
        sb.AppendLine(svcRow);
        sb.AppendLine();
        sb.AppendLine($"Overhead vs bare endpoint: p50 {Percentile(svcLat, 50) / Percentile(bareLat, 50):0.00}×, p99 {Percentile(svcLat, 99) / Percentile(bareLat, 99):0.00}×.");
        sb.AppendLine();
        await baseline.DisposeAsync();
        return sb.ToString();
    }

    /// <summary>
    /// Saturation: <paramref name="clients"/> closed-loop clients (each sends its next request when the previous answer
    /// arrived) against the bare-engine endpoint and <c>POST /api/predict/issue</c> on the same Kestrel, taking turns in
    /// one-second slices so that noise from other processes hits both alike. Throughput = answers per second of the
    /// target's own slices; latency per request. The prediction log (2 documents per request into PostgreSQL) runs
    /// behind ours, as in production.
    /// </summary>
    private static async Task<string> PredictAtSaturationAsync(BenchEnvironment env, int clients, int seconds)
    {
        var bodies = RequestBodies(2000);
        env.Bare = new BareEngines(env);
        var log = env.App.Services.GetRequiredService<PredictionLog>();
        var loggedBefore = log.Enqueued;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var targets = new[] { ("bare-engine endpoint (JSON parse + 2 pooled engines)", env.BaseUrl + "/bare"), ("POST /api/predict/issue", env.BaseUrl + "/api/predict/issue") };
        foreach (var (_, url) in targets) await ClosedLoopAsync(http, url, bodies, clients, TimeSpan.FromSeconds(3)); // warm-up
        var load = BenchMachine.LoadAverage();
        var slices = targets.Select(_ => new List<(int Ok, int Errors, double Seconds, List<double> Latencies)>()).ToArray();
        for (var second = 0; second < seconds; second++)
        {
            for (var t = 0; t < targets.Length; t++) slices[t].Add(await ClosedLoopAsync(http, targets[t].Item2, bodies, clients, TimeSpan.FromSeconds(1)));
        }
        var loadAfter = BenchMachine.LoadAverage();
        var flush = Stopwatch.StartNew();
        await env.App.Services.GetRequiredService<PredictionLogWriter>().FlushAsync(TimeSpan.FromMinutes(2));
        var flushSeconds = flush.Elapsed.TotalSeconds;
        var stats = slices.Select(list =>
        {
            var latencies = list.SelectMany(l => l.Latencies).ToArray();
            return (Ok: list.Sum(l => l.Ok), Errors: list.Sum(l => l.Errors), Rate: list.Sum(l => l.Ok) / list.Sum(l => l.Seconds), Latencies: latencies);
        }).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine($"### Predict over HTTP at saturation ({clients} closed-loop clients, {seconds} one-second slices per endpoint, alternating; load average {load} before, {loadAfter} after)");
        sb.AppendLine();
        sb.AppendLine("| endpoint | ok | errors | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (var t = 0; t < targets.Length; t++)
        {
            var x = stats[t];
            sb.AppendLine($"| {targets[t].Item1} | {x.Ok} | {x.Errors} | {x.Rate:0} | {F(Percentile(x.Latencies, 50))} | {F(Percentile(x.Latencies, 90))} | {F(Percentile(x.Latencies, 99))} | {F(Percentile(x.Latencies, 99.9))} |");
        }
        sb.AppendLine();
        var throughput = stats[1].Rate / stats[0].Rate;
        var p99 = Percentile(stats[1].Latencies, 99) / Percentile(stats[0].Latencies, 99);
        sb.AppendLine($"Ours vs bare: throughput {throughput:0.00}× (target ≥ 0.8: {(throughput >= 0.8 ? "met" : "NOT met")}), p99 {p99:0.00}× (target ≤ 1.5: {(p99 <= 1.5 ? "met" : "NOT met")}). " +
                      $"Prediction log: {log.Enqueued - loggedBefore} entries enqueued, {log.Dropped} dropped, flushed {flushSeconds:0.0} s after the last slice.");
        sb.AppendLine();
        return sb.ToString();
    }

    private static async Task<(int Ok, int Errors, double Seconds, List<double> Latencies)> ClosedLoopAsync(HttpClient http, string url, IReadOnlyList<byte[]> bodies, int clients, TimeSpan duration)
    {
        var ok = 0;
        var errors = 0;
        var latencies = new List<double>[clients];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(4096);
            var i = c * 7919;
            while (Stopwatch.GetTimestamp() < end)
            {
                using var content = new ByteArrayContent(bodies[i++ % bodies.Count]);
                content.Headers.ContentType = new("application/json");
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsync(url, content);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok); else Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                mine.Add((Stopwatch.GetTimestamp() - t0) * 1000.0 / Stopwatch.Frequency);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        return (ok, errors, seconds, latencies.SelectMany(l => l).ToList());
    }


    private static async Task<(string Row, double[] Latencies)> LoadAsync(string name, string url, IReadOnlyList<byte[]> bodies, int rate, int seconds)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        // Warm-up at a low rate.
        for (var i = 0; i < 500; i++)
        {
            using var c = new ByteArrayContent(bodies[i % bodies.Count]);
            c.Headers.ContentType = new("application/json");
            (await http.PostAsync(url, c)).Dispose();
        }
        var total = rate * seconds;
        var latencies = new double[total];
        var ok = 0;
        var errors = 0;
        var errorKinds = new ConcurrentDictionary<string, int>();
        var tasks = new Task[total];
        var start = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / (double)rate;
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * ticksPerRequest);
            while (Stopwatch.GetTimestamp() < due)
            {
                var wait = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                if (wait > 2) await Task.Delay(1); else Thread.SpinWait(50);
            }
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                using var content = new ByteArrayContent(bodies[index % bodies.Count]);
                content.Headers.ContentType = new("application/json");
                try
                {
                    using var response = await http.PostAsync(url, content);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
                    else
                    {
                        Interlocked.Increment(ref errors);
                        errorKinds.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref errors);
                    errorKinds.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                }
                // Latency from the scheduled send time: queueing behind a slow server counts (no coordinated omission).
                latencies[index] = (Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency;
            });
        }
        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var kinds = errorKinds.IsEmpty ? string.Empty : " (" + string.Join(", ", errorKinds.Select(kv => $"{kv.Key}: {kv.Value}")) + ")";
        var row = $"| {name} | {total} | {ok} | {errors}{kinds} | {ok / elapsed:0} | {F(Percentile(latencies, 50))} | {F(Percentile(latencies, 99))} | {F(Percentile(latencies, 99.9))} |";
        return (row, latencies);
    }

    private static async Task<string> RetrainAsync(BenchEnvironment env, int count)
    {
        var training = env.App.Services.GetRequiredService<TrainingPipeline>();
        var options = env.App.Services.GetRequiredService<IOptions<MlOptions>>().Value;
        var sb = new StringBuilder();
        sb.AppendLine($"### Retraining on {count:N0} synthetic issues (grid: {options.Training.Trainers}, {options.Training.Grid}; {options.Training.CvFolds}-fold CV on ≤ {options.Training.CvMaxRows:N0} rows, budget {options.Training.GridBudgetSeconds} s)");
        sb.AppendLine();
        // CPU seconds of this process beside the wall time: on a shared machine the wall time stretches with the load, the CPU
        // time much less, so it tells what the run would take alone (ML.NET trains on every core it is given).
        sb.AppendLine($"Load average at start: {BenchMachine.LoadAverage()}");
        sb.AppendLine();
        sb.AppendLine("| model | rows (train/test) | build data set s | stage to blob s | CV grid s (candidates run) | train best s | evaluate s | gate+register s | total s | process CPU s | primary metric (test) | baseline (test) |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        var folds = new StringBuilder();
        foreach (var model in ModelNames.All)
        {
            var total = Stopwatch.StartNew();
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var dataset = IssueDatasetBuilder.BuildSynthetic(model, count, options.Training.Seed, options.Training.TestFraction, labeler: options.Labeler);
            var build = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var datasetRef = await training.StageDatasetAsync(dataset);
            var stage = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var cv = await training.CrossValidateAsync(datasetRef);
            var cvSeconds = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var runId = TrainingPipeline.NewRunId(model);
            var trained = await training.TrainBestAsync(datasetRef, cv.Best, runId);
            var train = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var evaluation = await training.EvaluateAsync(datasetRef, trained);
            var evaluate = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var version = await training.GateAndRegisterAsync(new RegistrationRequest(runId, "benchmark", datasetRef, cv, trained, evaluation));
            var register = sw.Elapsed.TotalSeconds;
            var primary = ModelNames.PrimaryMetric(model);
            sb.AppendLine($"| {model} | {dataset.Train.Count:N0}/{dataset.Test.Count:N0} | {F(build)} | {F(stage)} | {F(cvSeconds)} ({cv.Candidates.Count(c => c.Status == "ok")}/{cv.Candidates.Count}) | {F(train)} | {F(evaluate)} | {F(register)} | **{F(total.Elapsed.TotalSeconds)}** | {F((Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds)} | {primary} {version.TestMetrics.GetValueOrDefault(primary):0.###} ({version.Trainer}, v{version.Version} {version.Gate.Decision}) | {primary} {evaluation.BaselineMetrics.GetValueOrDefault(primary):0.###} |");
            foreach (var f in cv.FoldLayout)
            {
                var m = f.Fold < cv.BestFoldMetrics.Count ? cv.BestFoldMetrics[f.Fold] : [];
                folds.AppendLine($"| {model} | {f.Fold} | {f.TrainRows:N0} | {f.ValidRows:N0} | {f.TrainTo:yyyy-MM-dd} | {f.ValidFrom:yyyy-MM-dd}..{f.ValidTo:yyyy-MM-dd} | {m.GetValueOrDefault(primary):0.###} |");
            }
            foreach (var c in cv.Candidates)
                Console.Error.WriteLine($"  {model} {c.Candidate.Describe()}: {c.Status} {c.MeanMetrics.GetValueOrDefault(primary):0.###} in {c.Seconds:0.0}s");
        }
        sb.AppendLine();
        sb.AppendLine("Forward-chaining folds of the chosen candidate (each trains on everything before its validation block):");
        sb.AppendLine();
        sb.AppendLine("| model | fold | train rows | valid rows | trained up to | validated on | primary metric |");
        sb.AppendLine("|---|---:|---:|---:|---|---|---:|");
        sb.Append(folds);
        sb.AppendLine();
        sb.AppendLine($"Load average at end: {BenchMachine.LoadAverage()}");
        sb.AppendLine();
        return sb.ToString();
    }

    private static string Row(string name, double[] latencies) =>
        $"| {name} | {F(Percentile(latencies, 50))} | {F(Percentile(latencies, 99))} | {F(latencies.Average())} |";

    private static string F(double v) => v.ToString(v < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    /// <summary>A Kestrel endpoint doing only JSON parsing and bare engine calls: the HTTP baseline.</summary>
    private sealed class BaselineServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private BaselineServer(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public static async Task<BaselineServer> StartAsync(BareEngines engines)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapPost("/bare", async (HttpRequest request) =>
            {
                var body = await JsonSerializer.DeserializeAsync<IssuePredictionRequest>(request.Body, MlJson.Options);
                var (label, probability) = engines.PredictPooled(RawInput(body!));
                return Results.Json(new { label, probability });
            });
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
            return new BaselineServer(app, url);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Real PostgreSQL + Azurite and the ML services on Kestrel, as the local host runs them.</summary>
    private sealed class BenchEnvironment : IAsyncDisposable
    {
        private EmbeddedPostgres _postgres = null!;
        private EmbeddedAzurite _azurite = null!;
        private PostgresStore _store = null!;

        public WebApplication App { get; private set; } = null!;
        public string BaseUrl { get; private set; } = string.Empty;

        /// <summary>The bare engines behind <c>/bare</c> (set once the champions exist).</summary>
        public BareEngines? Bare { get; set; }

        public static async Task<BenchEnvironment> StartAsync()
        {
            var env = new BenchEnvironment();
            var pg = EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = true });
            var az = EmbeddedAzurite.StartAsync();
            await Task.WhenAll(pg, az);
            env._postgres = pg.Result;
            env._azurite = az.Result;
            env._store = new PostgresStore(env._postgres.ConnectionString);
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Ml:BlobConnectionString"] = env._azurite.ConnectionString,
                ["Ml:AllowSyntheticData"] = "true",
            });
            builder.Configuration.AddEnvironmentVariables();
            builder.Services.AddSingleton<IDocumentStore>(env._store);
            builder.Services.AddPipelineMl(builder.Configuration);
            builder.Services.AddInMemoryDurableTask(MlDurable.Register, new Microsoft.DurableTask.Testing.InMemoryDurableTaskOptions { Port = Pipeline.Embedded.PortFinder.FreeTcpPort() });
            var app = builder.Build();
            app.MapPredictEndpoints();
            app.MapModelEndpoints();
            // The ceiling on the same Kestrel and middleware: parse the JSON and call the bare engines, nothing else.
            app.MapPost("/bare", async (HttpRequest request) =>
            {
                var body = await JsonSerializer.DeserializeAsync<IssuePredictionRequest>(request.Body, MlJson.Options);
                var (label, probability) = env.Bare!.PredictPooled(RawInput(body!));
                return Results.Json(new { label, probability });
            });
            await app.StartAsync();
            env.App = app;
            env.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return env;
        }

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
            await _store.DisposeAsync();
            await _postgres.DisposeAsync();
            await _azurite.DisposeAsync();
        }
    }
}
