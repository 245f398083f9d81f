using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.IntegrationTests.ML;

/// <summary>Serving over real Kestrel, PostgreSQL and Azurite: hot-swap under load, asynchronous prediction log, outages.</summary>
[Collection(MlServersCollection.Name)]
public class ServingTests(MlServersFixture fx)
{
    private static async Task<MlTestApp> AppWithTwoLabelerVersionsAsync(MlServersFixture fx, Action<Dictionary<string, string?>>? configure = null)
    {
        var app = await MlTestApp.StartAsync(fx, configure);
        var training = app.Get<TrainingPipeline>();
        await training.RunAsync(IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 900, 41, 0.2), "v1");
        await training.RunAsync(IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 900, 42, 0.2), "v2");
        await app.Get<PredictionService>().RefreshAsync();
        return app;
    }

    private static object Body(int i) => new { title = $"App crashes with exception number {i}", body = "Stack trace attached.", repo = "acme/api", models = new[] { ModelNames.IssueLabeler } };

    [Fact]
    public async Task Hot_swap_under_concurrent_http_traffic_drops_no_request()
    {
        await using var app = await AppWithTwoLabelerVersionsAsync(fx);
        var registry = app.Get<ModelRegistry>();
        var predictions = app.Get<PredictionService>();
        var versions = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentBag<string>();
        var total = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                using var response = await app.Http.PostAsJsonAsync("/api/predict/issue", Body(w * 100000 + i++));
                Interlocked.Increment(ref total);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    continue;
                }
                var json = await response.Content.ReadFromJsonAsync<JsonElement>();
                versions.AddOrUpdate(json.GetProperty("issueLabeler").GetProperty("version").GetInt32(), 1, (_, n) => n + 1);
            }
        })).ToArray();

        var swaps = 0;
        for (var round = 0; round < 6; round++)
        {
            var target = predictions.ServingVersion(ModelNames.IssueLabeler) == 1 ? 2 : 1;
            await registry.PromoteAsync(ModelNames.IssueLabeler, target, $"swap {round}");
            await RegistryAndGateTests.WaitForAsync(() => predictions.ServingVersion(ModelNames.IssueLabeler) == target);
            swaps++;
            await Task.Delay(150);
        }
        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.Equal(6, swaps);
        Assert.True(total > 100, $"only {total} requests");
        Assert.Equal(total, versions.Values.Sum());
        Assert.True(versions.ContainsKey(1) && versions.ContainsKey(2), string.Join(",", versions.Keys));
    }

    [Fact]
    public async Task Predictions_are_logged_asynchronously_and_a_store_outage_never_fails_them()
    {
        await using var app = await AppWithTwoLabelerVersionsAsync(fx);
        var log = app.Get<PredictionLog>();

        // Store up: predictions are logged with input hash, feature summary, output and version.
        using (var r = await app.Http.PostAsJsonAsync("/api/predict/issue", new { title = "Docs typo in README", body = "mail me at x@y.org", repo = "docs/site", number = 7, author = "alice", models = new[] { ModelNames.IssueLabeler } }))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await app.FlushPredictionLogAsync();
        var logged = await app.Store.FindAsync(Collections.Predictions, DocumentQuery.Where(new FieldFilter("issue_ref", FilterOp.Eq, "docs/site#7")));
        var labeler = Assert.Single(logged); // one entry per model asked for
        Assert.Equal(ModelNames.IssueLabeler, labeler["model"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", labeler["input_hash"]!.GetValue<string>());
        Assert.NotNull(labeler["output"]!["label"]);
        Assert.Equal("docs/site", labeler["features"]!["Repo"]!.GetValue<string>());
        Assert.DoesNotContain("x@y.org", labeler.ToJsonString());
        Assert.False(labeler["resolved"]!.GetValue<bool>());

        // Store down: every prediction still succeeds; entries wait in the queue and are written after recovery.
        app.Faults.Down = true;
        for (var i = 0; i < 40; i++)
        {
            using var r = await app.Http.PostAsJsonAsync("/api/predict/issue", Body(i));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        await RegistryAndGateTests.WaitForAsync(() => app.Faults.FailedCalls > 0);
        app.Faults.Down = false;
        await app.FlushPredictionLogAsync();
        await RegistryAndGateTests.WaitForAsync(() => app.Store.CountAsync(Collections.Predictions).Result >= 41);
        Assert.Equal(0, log.Dropped);
    }

    [Fact]
    public async Task A_graceful_stop_writes_every_queued_prediction_before_the_host_ends()
    {
        await using var app = await MlTestApp.StartAsync(fx);
        await app.Get<TrainingPipeline>().RunAsync(IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 900, 41, 0.2), "v1");
        await app.Get<PredictionService>().RefreshAsync();
        var log = app.Get<PredictionLog>();
        var predictions = app.Get<PredictionService>();
        // The store refuses writes for a moment, so the predictions are still queued (and the writer is in its back-off)
        // when the host is asked to stop.
        app.Faults.Down = true;
        const int count = 3000;
        for (var i = 0; i < count; i++)
            predictions.Predict(new IssuePredictionRequest { Title = $"crash {i}", Repo = "acme/api", Models = [ModelNames.IssueLabeler] });
        await RegistryAndGateTests.WaitForAsync(() => app.Faults.FailedCalls > 0);
        Assert.True(log.Pending > count - PredictionLogWriter.BatchSize, $"pending {log.Pending}");
        app.Faults.Down = false;

        await app.App.StopAsync();

        Assert.Equal(0, log.Pending);
        Assert.Equal(0, log.Dropped);
        Assert.Equal(count, await app.Store.CountAsync(Collections.Predictions, DocumentQuery.Where(new FieldFilter("repo", FilterOp.Eq, "acme/api"))));
    }

    [Fact]
    public async Task A_full_prediction_log_drops_the_oldest_entries_and_counts_them()
    {
        await using var app = await AppWithTwoLabelerVersionsAsync(fx, s => s["Ml:Serving:PredictionLogCapacity"] = "10");
        app.Faults.Down = true;
        var predictions = app.Get<PredictionService>();
        for (var i = 0; i < 60; i++)
            predictions.Predict(new IssuePredictionRequest { Title = $"crash {i}", Repo = "acme/api", Models = [ModelNames.IssueLabeler] });
        // The store is down, so nothing is written: of the 60 entries the queue keeps at most its 10 newest, the writer holds
        // the one batch it took when it woke (what had queued by then, a few more than 10 at most), and the rest are dropped
        // and counted.
        var log = app.Get<PredictionLog>();
        Assert.True(log.Pending <= 10, $"pending {log.Pending}");
        Assert.InRange(log.Dropped, 30, 50);
        app.Faults.Down = false;
    }

    [Fact]
    public async Task Opened_issue_gets_one_logged_prediction_per_model_even_when_redelivered()
    {
        await using var app = await MlTestApp.StartAsync(fx);
        await app.Get<MlBootstrapper>().EnsureChampionsAsync();
        var predictions = app.Get<PredictionService>();
        var issue = new SyntheticIssueGenerator(5).Generate(1, DateTime.UtcNow.AddHours(-1), DateTime.UtcNow)[0];
        var evt = IssueDocuments.Opened(issue);
        Assert.True(await predictions.OnIssueOpenedAsync(evt));
        Assert.True(await predictions.OnIssueOpenedAsync(evt)); // redelivery
        await app.FlushPredictionLogAsync();
        var logged = await app.Store.FindAsync(Collections.Predictions, DocumentQuery.Where(new FieldFilter("issue_ref", FilterOp.Eq, issue.Id)));
        Assert.Equal(2, logged.Count);
        Assert.All(logged, d => Assert.Equal("webhook", d["source"]!.GetValue<string>()));
        var closed = IssueDocuments.Opened(issue) with { Action = "closed" };
        Assert.False(await predictions.OnIssueOpenedAsync(closed));
    }
}
