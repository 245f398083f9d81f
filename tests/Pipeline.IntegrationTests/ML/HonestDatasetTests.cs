using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;
using Pipeline.Storage;
using Pipeline.Storage.Events;

namespace Pipeline.IntegrationTests.ML;

/// <summary>
/// Events (real webhook payload shapes and GH Archive records) → projections in PostgreSQL → data set → training, and the
/// same store serving the opening events: nothing after creation leaks into a feature, censoring is as specified, served
/// features equal training features, and live-only logging.
/// </summary>
[Collection(MlServersCollection.Name)]
public class HonestDatasetTests(MlServersFixture fx)
{
    private static readonly string[] Languages = ["Go", "TypeScript", "Rust", "Python"];

    private static string LanguageOf(string repo) => Languages[Math.Abs(repo.Sum(c => c)) % Languages.Length];

    private static async Task<(MlTestApp App, IReadOnlyList<IssueRecord> Issues, List<GitHubEvent> Events)> StoreHistoryAsync(MlServersFixture fx, int count = 700)
    {
        var app = await MlTestApp.StartAsync(fx, s => s["Ml:Training:Trainers"] = "Sdca");
        await StoreSchema.EnsureAsync(app.Store);
        var end = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var issues = new SyntheticIssueGenerator(31).Generate(count, end.AddDays(-150), end);
        var events = IssueEventFixture.Events(issues, LanguageOf);
        var sink = new EventSink(app.Store);
        foreach (var chunk in events.OrderBy(e => e.CreatedAt).Chunk(500)) await sink.WriteAsync(chunk);
        return (app, issues, events);
    }

    [Fact]
    public async Task Dataset_features_are_as_of_creation_and_censoring_is_as_specified()
    {
        var (app, issues, _) = await StoreHistoryAsync(fx);
        await using var _ = app;
        var dataset = await app.Get<IssueDatasetBuilder>().BuildAsync(ModelNames.TimeToClose);
        Assert.Equal("store", dataset.Source);
        var rows = dataset.Train.Concat(dataset.Test).ToDictionary(r => r.Id);

        // The planted label was added at closing: it is on the stored issue, never in a feature.
        var planted = issues.Where(IssueEventFixture.Planted).ToList();
        Assert.NotEmpty(planted);
        var stored = await app.Store.GetAsync(Collections.Issues, planted[0].Id);
        Assert.Contains(IssueEventFixture.PlantedLabel, stored!["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.All(rows.Values, r => Assert.DoesNotContain("planted", r.LabelsText));
        // Labels added two hours after opening are not features either; labels set at creation are.
        var early = issues.First(i => IssueEventFixture.LabelledAtCreation(i) && rows.ContainsKey(i.Id));
        Assert.Equal(IssueFeaturizer.LabelsAsText(early.Labels.Take(1)), rows[early.Id].LabelsText);
        var late = issues.First(i => !IssueEventFixture.LabelledAtCreation(i) && rows.ContainsKey(i.Id));
        Assert.Equal(IssueFeaturizer.NoLabels, rows[late.Id].LabelsText);
        // Language comes from the repositories projection (webhooks carry repository.language; archive records do not).
        Assert.All(rows.Values, r => Assert.Equal(LanguageOf(r.Repo), r.Language));

        // Censoring at the cut-off (the newest event in the store).
        var cutoff = issues.Max(i => i.ClosedAt is { } c && c > i.CreatedAt ? c : i.CreatedAt);
        foreach (var i in issues)
        {
            if (i.IsClosed)
            {
                Assert.True(rows.ContainsKey(i.Id), $"closed {i.Id} missing");
                Assert.Equal(i.DaysToClose <= 7, rows[i.Id].ClosedWithin7Days);
                Assert.False(rows[i.Id].Censored);
            }
            else if (cutoff - i.CreatedAt >= TimeSpan.FromDays(7))
            {
                Assert.True(rows[i.Id].Censored && !rows[i.Id].ClosedWithin7Days, $"open {i.Id} should be a censored negative");
            }
            else
            {
                Assert.False(rows.ContainsKey(i.Id), $"{i.Id} is open for less than 7 days and has no outcome yet");
            }
        }
        Assert.Equal(rows.Values.Count(r => r.Censored), dataset.ClassCounts["later_censored"]);
        Assert.Contains(issues, i => !i.IsClosed && cutoff - i.CreatedAt < TimeSpan.FromDays(7));

        // Training on it records a tracked run with forward-chaining folds and a baseline.
        var report = await app.Get<TrainingPipeline>().RunAsync(dataset, "test: store data");
        var run = (await app.Get<TrainingRunStore>().ListAsync(ModelNames.TimeToClose)).Single();
        Assert.Equal(report.Version.RunId, run.Id);
        Assert.Equal("store", run.Dataset.Source);
        Assert.Equal(dataset.Hash, run.Dataset.Hash);
        Assert.NotEmpty(run.Folds);
        Assert.All(run.Folds, f => Assert.True(f.TrainTo <= f.ValidFrom));
        Assert.Equal(0.5, run.BaselineMetrics[MetricNames.Auc], 6);
        Assert.True(run.TestMetrics[MetricNames.Auc] > 0.6, $"AUC {run.TestMetrics[MetricNames.Auc]}");
    }

    [Fact]
    public async Task Features_served_for_the_opening_event_equal_the_training_features()
    {
        var (app, issues, events) = await StoreHistoryAsync(fx, 500);
        await using var _ = app;
        var dataset = await app.Get<IssueDatasetBuilder>().BuildAsync(ModelNames.TimeToClose);
        var rows = dataset.Train.Concat(dataset.Test).ToDictionary(r => r.Id);
        var predictions = app.Get<PredictionService>();
        var compared = 0;
        foreach (var issue in issues.Where(i => rows.ContainsKey(i.Id)))
        {
            var served = (await predictions.OpeningFeaturesAsync(IssueEventFixture.Opening(events, issue)))!.Value.Input;
            var trained = rows[issue.Id];
            Assert.Equal(trained.Id, served.Id);
            Assert.Equal(trained.CreatedAtTicks, served.CreatedAtTicks);
            Assert.Equal(trained.Text, served.Text);
            Assert.Equal(trained.Repo, served.Repo);
            Assert.Equal(trained.AuthorAssociation, served.AuthorAssociation);
            Assert.Equal(trained.Language, served.Language);
            Assert.Equal(trained.LabelsText, served.LabelsText);
            foreach (var f in IssueModelInput.NumericFeatures) Assert.True(trained.Numeric(f) == served.Numeric(f), $"{issue.Id} {f}: trained {trained.Numeric(f)} served {served.Numeric(f)}");
            compared++;
        }
        Assert.True(compared > 300, $"compared {compared}");
    }

    [Fact]
    public async Task Only_live_opening_events_log_predictions()
    {
        var (app, issues, events) = await StoreHistoryAsync(fx, 300);
        await using var _ = app;
        await app.Get<TrainingPipeline>().RunAsync(IssueDatasetBuilder.BuildSynthetic(ModelNames.TimeToClose, 900, 5, 0.2), "test");
        var predictions = app.Get<PredictionService>();
        await predictions.RefreshAsync();
        var archived = issues.First(i => !IssueEventFixture.ByWebhook(i));
        var fromArchive = IssueEventFixture.Opening(events, archived);
        Assert.Equal(EventSources.GhArchive, fromArchive.Source);
        Assert.False(await predictions.OnIssueOpenedAsync(fromArchive));           // backfilled history
        var stalePoll = fromArchive with { Id = "poll:1", Source = EventSources.Poller, ReceivedAt = fromArchive.CreatedAt.AddHours(5) };
        Assert.False(await predictions.OnIssueOpenedAsync(stalePoll));             // polled long after the fact
        var freshPoll = stalePoll with { ReceivedAt = stalePoll.CreatedAt.AddMinutes(2) };
        Assert.True(await predictions.OnIssueOpenedAsync(freshPoll));              // polled within the freshness window
        var live = IssueEventFixture.Opening(events, issues.Last(IssueEventFixture.ByWebhook));
        Assert.Equal(EventSources.Webhook, live.Source);
        Assert.True(await predictions.OnIssueOpenedAsync(live));                   // webhook
        Assert.Equal(2, predictions.NotLiveSkipped);
        await app.FlushPredictionLogAsync();
        var logged = await app.Store.FindAsync(Collections.Predictions, DocumentQuery.All);
        Assert.Equal(2, logged.Count);
        Assert.All(logged, d => Assert.Equal("synthetic", d["dataset_source"]!.GetValue<string>()));
        Assert.Equal([EventSources.Poller, EventSources.Webhook], logged.Select(d => d["source"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task Ten_thousand_unresolvable_predictions_do_not_block_the_resolvable_ones_and_expire_after_the_horizon()
    {
        await using var app = await MlTestApp.StartAsync(fx, s => s["Ml:Evaluation:Horizon"] = "7.00:00:00");
        await StoreSchema.EnsureAsync(app.Store);
        await app.Store.EnsureCollectionsAsync(MlCollections.Definitions);
        var now = DateTime.UtcNow;
        JsonObject Prediction(string issueRef, DateTime at) => new()
        {
            ["model"] = ModelNames.TimeToClose,
            ["version"] = 1,
            ["created_at"] = IssueDocumentSchema.FormatTime(at),
            ["source"] = "webhook",
            ["issue_ref"] = issueRef,
            ["output"] = new JsonObject { ["closes_within_7_days"] = true, ["probability"] = 0.9 },
            ["resolved"] = false,
        };
        // 10,000 predictions about issues the store never heard of, the oldest first (as they would sit at the head).
        var unresolvable = Enumerable.Range(0, 10_000).Select(i => KeyValuePair.Create($"a{i:D6}", Prediction($"gone/repo#{i}", i < 300 ? now.AddDays(-8) : now.AddHours(-1)))).ToList();
        await app.Store.UpsertManyAsync(Collections.Predictions, unresolvable);
        // Then 40 about issues that closed within a day.
        var closed = Enumerable.Range(1, 40).Select(n => new IssueRecord("acme/api", n, "t", "b", [], "closed", "x", "NONE", now.AddDays(-3), now.AddDays(-2.5), "Go")).ToList();
        await IssueDocuments.StoreAsync(app.Store, closed);
        await app.Store.UpsertManyAsync(Collections.Predictions, closed.Select(i => KeyValuePair.Create($"b{i.Number:D6}", Prediction(i.Id, now.AddMinutes(-30)))).ToList());

        var pass = await app.Get<ContinuousEvaluator>().ResolvePendingAsync();
        Assert.Equal(40, pass.Resolved);
        Assert.Equal(300, pass.Expired);
        Assert.Equal(9_700, pass.StillPending);
        Assert.Equal(300, await app.Get<ContinuousEvaluator>().CountExpiredAsync(ModelNames.TimeToClose));
        var live = await app.Get<ContinuousEvaluator>().LiveMetricsAsync(ModelNames.TimeToClose, 1);
        Assert.Equal(40, live[MetricNames.Count]); // expired predictions are not live outcomes
        var second = await app.Get<ContinuousEvaluator>().ResolvePendingAsync();
        Assert.Equal(0, second.Resolved + second.Expired);
    }
}
