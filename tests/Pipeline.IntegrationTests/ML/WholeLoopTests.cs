using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;
using Pipeline.Orchestration.ML;
using Pipeline.Storage;

namespace Pipeline.IntegrationTests.ML;

/// <summary>
/// The whole ML loop on real local servers (PostgreSQL, Azurite, Kestrel, the durable orchestrations on the in-process
/// Durable Task host): champions trained at start-up → predictions logged for newly opened issues → the issues get
/// labelled and closed → the data drifts (concept drift: issues are now worded differently, plus other repositories,
/// longer texts and first-time authors) → MonitorModelsOrchestrator joins ground truth, detects low live accuracy and
/// drift, alerts the webhook and runs RetrainModelOrchestrator → the new champion is promoted and serves over HTTP.
/// </summary>
[Collection(MlServersCollection.Name)]
public class WholeLoopTests(MlServersFixture fx)
{
    [Fact]
    public async Task Predict_log_close_drift_retrain_and_serve_the_new_champion()
    {
        using var alerts = new AlertReceiver();
        await using var app = await MlTestApp.StartAsync(fx, s =>
        {
            s["Ml:Training:Trainers"] = "Sdca";
            s["Ml:Monitor:AlertWebhookUrl"] = alerts.Url;
        });

        // 1. First start: both models trained on synthetic data and served.
        var serving = await app.Get<MlBootstrapper>().EnsureChampionsAsync();
        Assert.Equal(1, serving[ModelNames.IssueLabeler]);
        Assert.Equal(1, serving[ModelNames.TimeToClose]);

        // 2. Real issues arrive in the store; their wording no longer matches the old vocabulary (bug reports read like
        //    documentation requests, and so on), they come from other repositories and first-time authors.
        var shift = new SyntheticShift { VocabularyOf = [3, 4, 0, 1, 2], RepoIndexes = [5, 8, 9], BodyLengthFactor = 2.0, FirstTimerShare = 0.9 };
        var now = DateTime.UtcNow;
        var issues = new SyntheticIssueGenerator(77).Generate(900, now.AddDays(-120), now.AddMinutes(-5), shift, numberOffset: 1000);
        var newest = issues.Where(i => i.Labels.Any(l => LabelTaxonomy.Canonical(l) is not null)).OrderByDescending(i => i.CreatedAt).Take(80).ToList();
        var older = issues.Except(newest).ToList();
        await IssueDocuments.StoreAsync(app.Store, older);

        // 3. The newest issues are opened: the webhook path logs a prediction for each before any label exists.
        var predictions = app.Get<PredictionService>();
        await IssueDocuments.StoreAsync(app.Store, newest, withOutcome: false);
        foreach (var issue in newest) Assert.True(await predictions.OnIssueOpenedAsync(IssueDocuments.Opened(issue)));
        await app.FlushPredictionLogAsync();
        var logged = await app.Store.CountAsync(Collections.Predictions, DocumentQuery.Where(new FieldFilter("source", FilterOp.Eq, "webhook")));
        Assert.Equal(newest.Count * 2, logged);

        // 4. Ground truth arrives: the issues get labelled (and some closed).
        await IssueDocuments.StoreAsync(app.Store, newest, withOutcome: true);

        // 5. The monitor runs (as the timer would start it).
        var client = app.Durable;
        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(MonitorModelsOrchestrator), new MonitorRequest([ModelNames.IssueLabeler]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var meta = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ToString());
        var result = meta.ReadOutputAs<MonitorResult>()!;

        Assert.True(result.ResolvedOutcomes >= newest.Count, $"resolved {result.ResolvedOutcomes}");
        var report = Assert.Single(result.Reports);
        Assert.True(report.RetrainRecommended && report.RetrainStarted, string.Join("; ", report.Reasons));
        Assert.Contains(report.Reasons, r => r.StartsWith("live accuracy"));
        Assert.Contains(report.Reasons, r => r.Contains("drift"));

        var stored = await app.Store.GetAsync(Collections.MonitorReports, report.ReportId);
        Assert.NotNull(stored);
        Assert.True(stored["live_below_threshold"]!.GetValue<bool>());
        Assert.True(stored["drift"]!["dataset_drift"]!.GetValue<bool>() || stored["drift"]!["prediction_drift"]!.GetValue<bool>());

        // 6. The retrain ran on the real (store) data and the new version beat the old champion on the new test set.
        var start = Assert.Single(result.Retrains);
        Assert.True(start.Started, start.Status);
        var retrainMeta = await client.WaitForInstanceCompletionAsync(start.InstanceId!, getInputsAndOutputs: true, timeout.Token);
        Assert.True(retrainMeta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, retrainMeta.FailureDetails?.ToString());
        var retrain = retrainMeta.ReadOutputAs<RetrainResult>()!;
        await RegistryAndGateTests.WaitForAsync(() => predictions.ServingVersion(ModelNames.IssueLabeler) == 2);
        Assert.Equal("store", retrain.DatasetSource);
        Assert.Equal(2, retrain.Version);
        Assert.Equal("promoted", retrain.Decision);
        Assert.Equal(2, retrain.ServingVersion);
        var v2 = (await app.Get<ModelRegistry>().GetVersionAsync(ModelNames.IssueLabeler, 2))!;
        Assert.Equal(1, v2.ParentVersion);
        Assert.StartsWith("monitor:", v2.Reason);
        Assert.True(v2.Gate.CandidatePrimary > v2.Gate.ChampionPrimary!.Value + 0.1, v2.Gate.Reason);

        // 7. The alert reached the webhook.
        var alert = await alerts.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ModelNames.IssueLabeler, alert.GetProperty("model").GetString());
        Assert.Contains("retraining started", alert.GetProperty("text").GetString());

        // 8. The new champion serves over HTTP and predicts the new wording correctly.
        var sample = newest[0];
        using var response = await app.Http.PostAsJsonAsync("/api/predict/issue", new { title = sample.Title, body = sample.Body, repo = sample.Repo, models = new[] { ModelNames.IssueLabeler } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, json.GetProperty("issueLabeler").GetProperty("version").GetInt32());
        var live = await app.Get<Pipeline.ML.Monitoring.ContinuousEvaluator>().LiveMetricsAsync(ModelNames.IssueLabeler, 1);
        Assert.True(live[MetricNames.Count] >= newest.Count);
    }

    /// <summary>A local HTTP endpoint standing in for a chat incoming webhook.</summary>
    private sealed class AlertReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly System.Threading.Channels.Channel<JsonElement> _received = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();

        public AlertReceiver()
        {
            var port = PortFinder.FreeTcpPort();
            Url = $"http://127.0.0.1:{port}/hooks/alerts/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
                    using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                    var body = await reader.ReadToEndAsync();
                    _received.Writer.TryWrite(JsonDocument.Parse(body).RootElement.Clone());
                    ctx.Response.StatusCode = 200;
                    ctx.Response.Close();
                }
            });
        }

        public string Url { get; }

        public async Task<JsonElement> NextAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            return await _received.Reader.ReadAsync(cts.Token);
        }

        public void Dispose() => _listener.Close();
    }
}
