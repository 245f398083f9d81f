using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Api.Backfill;
using Pipeline.Ingestion;
using Pipeline.Ingestion.Archive;
using Pipeline.LocalHost.Cli;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Backfill;
using Pipeline.Testing.GitHub;

namespace Pipeline.IntegrationTests.Archive;

public sealed class BackfillIntegrationTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-backfill-").FullName;
    private ArchiveFileServer _files = null!;

    public async Task InitializeAsync() => _files = await ArchiveFileServer.StartAsync(_dir);

    public async Task DisposeAsync()
    {
        await _files.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>These tests read temporary files and a loopback server: both must be allowed explicitly (the defaults refuse them).</summary>
    private IConfiguration AllowTestSources(IDictionary<string, string?>? more = null) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Backfill:AllowedRoots:0"] = _dir,
        ["Backfill:AllowedHosts:0"] = _files.BaseUrl.Authority,
    }.Concat(more ?? new Dictionary<string, string?>())).Build();

    private static ServiceProvider Services(RecordingEventPublisher publisher, int batchSize = 5000)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Backfill:BatchSize"] = batchSize.ToString() }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IEventPublisher>(publisher);
        services.AddPipelineBackfill(config);
        services.AddBackfillOrchestration();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Http_source_of_thirty_thousand_events_is_streamed_and_published_exactly_once()
    {
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-01-01-15.json.gz"), 30_000, seed: 11);
        var publisher = new RecordingEventPublisher();
        await using var sp = Services(publisher);

        var result = await sp.GetRequiredService<BackfillService>().ImportAsync([new Uri(_files.BaseUrl, "2024-01-01-15.json.gz").AbsoluteUri]);

        Assert.Equal(30_000, result.Events);
        Assert.Equal(0, result.Errors);
        Assert.Equal(new FileInfo(archive.Path).Length, result.Bytes);
        Assert.Equal(archive.Ids.Order(), publisher.Events.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task Events_are_published_before_the_file_has_finished_arriving()
    {
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-01-01-16.json.gz"), 20_000, seed: 12);
        var size = new FileInfo(archive.Path).Length;
        _files.HoldAfterBytes = size / 2;
        var publisher = new RecordingEventPublisher();
        long sentAtFirstPublish = -1;
        publisher.BeforePublish = _ =>
        {
            if (Interlocked.CompareExchange(ref sentAtFirstPublish, Interlocked.Read(ref _files.BytesSent), -1) == -1) _files.Release();
        };
        await using var sp = Services(publisher, batchSize: 1000);

        var import = sp.GetRequiredService<BackfillService>().ImportAsync([new Uri(_files.BaseUrl, "2024-01-01-16.json.gz").AbsoluteUri]);
        var result = await import.WaitAsync(TimeSpan.FromSeconds(60));

        // The server held back half the file until the first batch was published: the reader streamed.
        Assert.InRange(sentAtFirstPublish, 1, size / 2);
        Assert.Equal(20_000, result.Events);
    }

    [Fact]
    public async Task Missing_url_is_reported_as_a_failed_file()
    {
        await using var sp = Services(new RecordingEventPublisher());
        var result = await sp.GetRequiredService<BackfillService>().ImportAsync([new Uri(_files.BaseUrl, "2030-01-01-0.json.gz").AbsoluteUri]);
        Assert.Equal(1, result.FailedFiles);
        Assert.Contains("404", result.PerFile[0].Failure);
    }

    [Fact]
    public async Task Orchestration_imports_every_file_reports_progress_and_records_a_failed_file()
    {
        GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-02-01-0.json.gz"), 3000, seed: 1, firstId: 1);
        GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-02-01-1.json.gz"), 2000, seed: 2, firstId: 10_000);
        var publisher = new RecordingEventPublisher();
        await using var host = await DurableTaskTestHost.StartAsync(BackfillDurable.Register, new DurableTaskTestHostOptions
        {
            // A free port: the default random 30000-40000 pick can collide with ephemeral ports in use.
            Port = Pipeline.Embedded.PortFinder.FreeTcpPort(),
            ConfigureServices = services =>
            {
                services.AddSingleton<IEventPublisher>(publisher);
                services.AddPipelineBackfill(AllowTestSources());
            },
        });
        var job = new BackfillJob([
            new Uri(_files.BaseUrl, "2024-02-01-0.json.gz").AbsoluteUri,
            Path.Combine(_dir, "2024-02-01-1.json.gz"),
            Path.Combine(_dir, "absent.json.gz"),
        ], MaxAttempts: 2, FirstRetrySeconds: 0.05);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BackfillOrchestrator), job);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var meta = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        var result = meta.ReadOutputAs<BackfillJobResult>()!;
        Assert.Equal((3, 1, 5000L), (result.Files, result.FailedFiles, result.Events));
        Assert.Contains("not found", result.PerFile[2].Failure);
        var status = meta.ReadCustomStatusAs<BackfillJobStatus>()!;
        Assert.Equal((3, 3, 5000L), (status.FilesDone, status.FilesTotal, status.Events));
        Assert.Equal(5000, publisher.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Orchestration_runs_the_trend_aggregation_after_the_import_when_asked()
    {
        GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-04-01-0.json.gz"), 500, seed: 7, firstId: 1);
        var publisher = new RecordingEventPublisher();
        var aggregations = new System.Collections.Concurrent.ConcurrentBag<AggregateTrendsInput>();
        await using var host = await DurableTaskTestHost.StartAsync(registry =>
        {
            BackfillDurable.Register(registry);
            // Stands in for the analytics orchestrator (tested in its own suite): records the input it was started with.
            registry.AddOrchestratorFunc<AggregateTrendsInput, string>(nameof(AggregateTrendsOrchestrator), (_, input) =>
            {
                aggregations.Add(input);
                return Task.FromResult("done");
            });
        }, new DurableTaskTestHostOptions
        {
            // A free port: the default random 30000-40000 pick can collide with ephemeral ports in use.
            Port = Pipeline.Embedded.PortFinder.FreeTcpPort(),
            ConfigureServices = services =>
            {
                services.AddSingleton<IEventPublisher>(publisher);
                services.AddPipelineBackfill(AllowTestSources());
            },
        });
        var job = new BackfillJob([Path.Combine(_dir, "2024-04-01-0.json.gz")])
        {
            AggregateAfter = new AggregateTrendsInput { Trigger = "backfill" },
            AggregateDelaySeconds = 0.1,
        };

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BackfillOrchestrator), job);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var meta = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        var result = meta.ReadOutputAs<BackfillJobResult>()!;
        Assert.Equal(500, result.Events);
        Assert.Equal($"{id}-aggregate: completed", result.Aggregation);
        Assert.Equal("backfill", Assert.Single(aggregations).Trigger);
    }

    [Fact]
    public async Task Http_api_starts_the_orchestration_answers_202_with_a_status_url_and_reports_completion()
    {
        GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-03-01-0.json.gz"), 1500, seed: 5, firstId: 100);
        GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-03-01-1.json.gz"), 500, seed: 6, firstId: 5000);
        var publisher = new RecordingEventPublisher();
        await using var durable = await DurableTaskTestHost.StartAsync(BackfillDurable.Register, new DurableTaskTestHostOptions
        {
            // A free port: the default random 30000-40000 pick can collide with ephemeral ports in use.
            Port = Pipeline.Embedded.PortFinder.FreeTcpPort(),
            ConfigureServices = services =>
            {
                services.AddSingleton<IEventPublisher>(publisher);
                services.AddPipelineBackfill(AllowTestSources());
            },
        });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(durable.Client);
        builder.Configuration.AddConfiguration(AllowTestSources());
        builder.Services.AddPipelineBackfill(builder.Configuration);
        await using var app = builder.Build();
        app.MapBackfillEndpoints();
        Pipeline.Api.Management.ManagementEndpoints.MapManagementEndpoints(app);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var bad = await http.PostAsJsonAsync("/api/backfill", new { from = "2024-01-02T00", to = "2024-01-01T00" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'to' is before 'from'", await bad.Content.ReadAsStringAsync());
        var missing = await http.PostAsJsonAsync("/api/backfill", new { files = new[] { Path.Combine(_dir, "nope.json.gz") } });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var garbage = await http.PostAsync("/api/backfill", new StringContent("{files:", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);

        var started = await http.PostAsJsonAsync("/api/backfill", new { from = "2024-03-01T00", to = "2024-03-01T01", baseUrl = _files.BaseUrl.AbsoluteUri });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        var statusUrl = body.GetProperty("statusQueryGetUri").GetString()!;
        Assert.Equal(new Uri(http.BaseAddress!, $"/api/backfill/{body.GetProperty("id").GetString()}"), new Uri(statusUrl));
        Assert.Equal(statusUrl, started.Headers.Location?.OriginalString);

        JsonElement status = default;
        for (var i = 0; i < 600; i++)
        {
            status = await http.GetFromJsonAsync<JsonElement>(statusUrl);
            if (status.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed") break;
            await Task.Delay(100);
        }
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(2000, status.GetProperty("output").GetProperty("events").GetInt64());
        Assert.Equal(2, status.GetProperty("customStatus").GetProperty("filesDone").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/backfill/does-not-exist")).StatusCode);
        Assert.Equal(2000, publisher.Events.Count);
    }

    [Fact]
    public async Task Cli_command_imports_files_prints_progress_and_a_summary()
    {
        var a = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "cli-a.json.gz"), 4000, seed: 21, firstId: 1);
        var publisher = new RecordingEventPublisher();
        await using var sp = Services(publisher, batchSize: 1000);
        var output = new StringWriter();
        var errors = new StringWriter();
        CliContext Context(TextWriter o, TextWriter e) => new() { Configuration = new ConfigurationBuilder().Build(), Out = o, Err = e, Interactive = false, Services = sp };

        var exit = await CliApp.RunAsync(["backfill", a.Path, "--type", "WatchEvent", "--type", "issues", "PushEvent"], Context(output, errors));

        Assert.Equal(0, exit);
        var kept = publisher.Events.Count;
        Assert.InRange(kept, 1, 3999);
        Assert.All(publisher.Events, e => Assert.Contains(e.Type, new[] { "watch", "issues", "push" }));
        Assert.Contains($"backfill done: {kept:N0} events from 1 file(s), {4000 - kept:N0} skipped by the filter", output.ToString());
        Assert.Contains("[##############################] 100.0% 1/1 files", errors.ToString());

        var usage = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(["backfill", "--from", "nonsense", "--to", "2024-01-01T00"], Context(new StringWriter(), usage)));
        Assert.Contains("'from' must be an hour", usage.ToString());
        var failed = new StringWriter();
        Assert.Equal(1, await CliApp.RunAsync(["backfill", Path.Combine(_dir, "missing.json.gz")], Context(new StringWriter(), failed)));
        Assert.Contains("missing.json.gz failed", failed.ToString());
    }

    [Fact]
    public async Task Range_longer_than_a_month_is_chunked_with_bounded_fan_out_and_filters_and_reports_progress()
    {
        // 30 hourly files of 200 events, 4 files per generation, 2 at a time.
        for (var h = 0; h < 30; h++)
        {
            GhArchiveFileGenerator.Generate(Path.Combine(_dir, BackfillRequest.FileName(new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(h))), 200,
                seed: h, firstId: 1_000_000 + (h * 1000), repos: 20);
        }
        var publisher = new RecordingEventPublisher();
        var inFlight = 0;
        var maxInFlight = 0;
        publisher.BeforePublish = _ =>
        {
            var n = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, n);
            Thread.Sleep(20);
            Interlocked.Decrement(ref inFlight);
        };
        await using var host = await DurableTaskTestHost.StartAsync(BackfillDurable.Register, new DurableTaskTestHostOptions
        {
            Port = Pipeline.Embedded.PortFinder.FreeTcpPort(),
            ConfigureServices = services =>
            {
                services.AddSingleton<IEventPublisher>(publisher);
                services.AddPipelineBackfill(AllowTestSources(new Dictionary<string, string?> { ["Backfill:BatchSize"] = "50" }));
            },
        });
        var job = new BackfillJob(MaxAttempts: 1)
        {
            Range = new BackfillRange(new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc), 30, _files.BaseUrl.AbsoluteUri),
            Filter = new BackfillFilter(Orgs: ["org1", "org2"]),
            ChunkFiles = 4,
            MaxParallelFiles = 2,
        };

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BackfillOrchestrator), job);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var meta = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        var result = meta.ReadOutputAs<BackfillJobResult>()!;
        Assert.Equal((30, 0), (result.Files, result.FailedFiles));
        Assert.Equal(6000, result.Events + result.Skipped);
        Assert.Equal(publisher.Events.Count, result.Events);
        Assert.All(publisher.Events, e => Assert.Matches("^org[12]/", e.Repo));
        Assert.Equal(30, result.PerFile.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(h => BackfillRequest.FileName(new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(h))),
            result.PerFile.Select(f => f.Source.Split('/')[^1]));
        var status = meta.ReadCustomStatusAs<BackfillJobStatus>()!;
        Assert.Equal((30, 30, 7), (status.FilesDone, status.FilesTotal, status.Generation)); // 30 files in chunks of 4: 8 generations
        Assert.Equal(result.Skipped, status.Skipped);
        Assert.Equal(0, status.EtaSeconds);
        Assert.InRange(maxInFlight, 1, 2);
    }

    [Fact]
    public async Task Loopback_urls_and_paths_outside_the_roots_are_refused_before_anything_is_fetched_or_probed()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var c = await listener.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref connections);
                }
            }
            catch (OperationCanceledException) { }
        });
        await using var durable = await DurableTaskTestHost.StartAsync(BackfillDurable.Register, new DurableTaskTestHostOptions
        {
            Port = Pipeline.Embedded.PortFinder.FreeTcpPort(),
            ConfigureServices = services =>
            {
                services.AddSingleton<IEventPublisher>(new RecordingEventPublisher());
                services.AddPipelineBackfill(new ConfigurationBuilder().Build());
            },
        });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(durable.Client);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Backfill:AllowedRoots:0"] = _dir });
        builder.Services.AddPipelineBackfill(builder.Configuration);
        await using var app = builder.Build();
        app.MapBackfillEndpoints();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var asFile = await http.PostAsJsonAsync("/api/backfill", new { files = new[] { $"http://127.0.0.1:{port}/2024-01-01-0.json.gz" } });
        var asBase = await http.PostAsJsonAsync("/api/backfill", new { from = "2024-01-01T00", to = "2024-01-01T01", baseUrl = $"http://127.0.0.1:{port}/" });
        var asLocalhost = await http.PostAsJsonAsync("/api/backfill", new { files = new[] { $"http://localhost:{port}/x.json.gz" } });
        Assert.Equal(HttpStatusCode.BadRequest, asFile.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, asBase.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, asLocalhost.StatusCode);
        Assert.Contains("Backfill:AllowedHosts", await asBase.Content.ReadAsStringAsync());

        // An orchestration started some other way is refused by the activity too.
        var id = await durable.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BackfillOrchestrator),
            new BackfillJob([$"http://127.0.0.1:{port}/2024-01-01-0.json.gz"], MaxAttempts: 1));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var meta = await durable.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Contains("not on an allowed host", meta.ReadOutputAs<BackfillJobResult>()!.PerFile[0].Failure);

        // Outside the roots, an existing and a missing path get the same answer.
        var existing = Path.Combine(Path.GetTempPath(), "pipeline-outside-" + Guid.NewGuid().ToString("N") + ".json.gz");
        await File.WriteAllTextAsync(existing, "x");
        try
        {
            var a = await http.PostAsJsonAsync("/api/backfill", new { files = new[] { existing } });
            var b = await http.PostAsJsonAsync("/api/backfill", new { files = new[] { existing + ".missing" } });
            Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode);
            Assert.Equal(a.StatusCode, b.StatusCode);
            Assert.Equal(await a.Content.ReadAsStringAsync(), await b.Content.ReadAsStringAsync());
            // Inside the root a missing file is reported as such.
            var inside = await http.PostAsJsonAsync("/api/backfill", new { files = new[] { Path.Combine(_dir, "nope.json.gz") } });
            Assert.Contains("file not found", await inside.Content.ReadAsStringAsync());
        }
        finally
        {
            File.Delete(existing);
        }

        await Task.Delay(500);
        Assert.Equal(0, Volatile.Read(ref connections));
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
