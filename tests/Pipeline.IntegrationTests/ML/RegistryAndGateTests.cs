using Pipeline.Domain;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;

namespace Pipeline.IntegrationTests.ML;

/// <summary>Training, gate and registry on real PostgreSQL (metadata) and real Azurite (artifacts).</summary>
[Collection(MlServersCollection.Name)]
public class RegistryAndGateTests(MlServersFixture fx)
{
    [Fact]
    public async Task Trained_model_becomes_champion_shuffled_labels_do_not_and_same_data_reproduces_metrics()
    {
        await using var app = await MlTestApp.StartAsync(fx);
        var training = app.Get<TrainingPipeline>();
        var registry = app.Get<ModelRegistry>();
        var dataset = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 1500, 21, 0.2);

        var v1 = (await training.RunAsync(dataset, "test: first")).Version;
        Assert.Equal(1, v1.Version);
        Assert.Equal("promoted", v1.Gate.Decision);
        Assert.Equal([ModelRegistry.Champion], v1.Aliases);
        Assert.True(await registry.Artifacts.ExistsAsync(v1.ArtifactPath));
        Assert.True(await registry.Artifacts.ExistsAsync(v1.ReferencePath));
        var stored = await registry.GetVersionAsync(ModelNames.IssueLabeler, 1);
        Assert.NotNull(stored);
        Assert.Equal(dataset.Hash, stored.Dataset.Hash);
        Assert.Equal(dataset.Size, stored.Dataset.Size);
        Assert.Equal("synthetic", stored.Dataset.Source);
        Assert.False(string.IsNullOrEmpty(stored.Trainer));
        Assert.NotEmpty(stored.Hyperparameters);
        Assert.NotEmpty(stored.CvMetrics);
        Assert.NotEmpty(stored.CvCandidates);
        Assert.Equal(v1.TestMetrics, stored.TestMetrics);
        Assert.Contains(stored.SliceMetrics.Keys, k => k.StartsWith("repo:"));
        Assert.False(string.IsNullOrEmpty(stored.CodeVersion));
        Assert.Null(stored.ParentVersion);

        // A corrupted data set (shuffled labels) is trained and registered, but not promoted.
        var corrupted = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 1500, 22, 0.2);
        var rng = new Random(3);
        var shuffled = corrupted.Train.Select(r => r.LabelSet).OrderBy(_ => rng.Next()).ToList();
        for (var i = 0; i < shuffled.Count; i++) corrupted.Train[i].LabelSet = shuffled[i];
        var v2 = (await training.RunAsync(corrupted, "test: shuffled labels")).Version;
        Assert.Equal(2, v2.Version);
        Assert.Equal("rejected", v2.Gate.Decision);
        Assert.Contains("not promoted", v2.Gate.Reason);
        Assert.Equal(1, v2.ParentVersion);
        Assert.Equal(1, v2.Gate.ComparedToVersion);
        var head = await registry.GetHeadAsync(ModelNames.IssueLabeler);
        Assert.Equal(1, head!.Champion);
        Assert.Equal(2, head.Challenger);
        Assert.Equal([ModelRegistry.Challenger], (await registry.GetVersionAsync(ModelNames.IssueLabeler, 2))!.Aliases);

        // The same data set hash and parameters reproduce the same test metrics; not better than itself, so not promoted.
        var again = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 1500, 21, 0.2);
        var v3 = (await training.RunAsync(again, "test: reproduce")).Version;
        Assert.Equal(dataset.Hash, v3.Dataset.Hash);
        Assert.Equal(v1.Trainer, v3.Trainer);
        Assert.Equal(v1.TestMetrics, v3.TestMetrics);
        Assert.Equal("rejected", v3.Gate.Decision);
        Assert.Contains("does not beat champion", v3.Gate.Reason);
    }

    [Fact]
    public async Task Manual_promotion_and_rollback_move_the_champion_and_serving_follows()
    {
        await using var app = await MlTestApp.StartAsync(fx);
        var training = app.Get<TrainingPipeline>();
        var registry = app.Get<ModelRegistry>();
        var predictions = app.Get<PredictionService>();
        await training.RunAsync(IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 900, 31, 0.2), "v1");
        await training.RunAsync(IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 900, 32, 0.2), "v2");
        await predictions.RefreshAsync();
        var champion = (await registry.GetHeadAsync(ModelNames.IssueLabeler))!.Champion!.Value;
        var other = champion == 1 ? 2 : 1;

        await registry.PromoteAsync(ModelNames.IssueLabeler, other, "manual test promotion");
        await WaitForAsync(() => predictions.ServingVersion(ModelNames.IssueLabeler) == other);
        Assert.Equal(other, (await registry.GetHeadAsync(ModelNames.IssueLabeler))!.Champion);
        Assert.Equal([ModelRegistry.Champion], (await registry.GetVersionAsync(ModelNames.IssueLabeler, other))!.Aliases);

        var rolledBack = await registry.RollbackAsync(ModelNames.IssueLabeler, "test rollback");
        Assert.Equal(champion, rolledBack.Champion);
        await WaitForAsync(() => predictions.ServingVersion(ModelNames.IssueLabeler) == champion);
        Assert.Empty((await registry.GetVersionAsync(ModelNames.IssueLabeler, other))!.Aliases);
        Assert.Contains(rolledBack.History, h => h.Reason == "test rollback" && h.Version == champion && h.Previous == other);
        var prediction = predictions.Predict(new IssuePredictionRequest { Title = "App crashes on start", Repo = "acme/api", Models = [ModelNames.IssueLabeler] });
        Assert.Equal(champion, prediction.IssueLabeler!.Version);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => registry.PromoteAsync(ModelNames.IssueLabeler, 99, "missing"));
    }

    [Fact]
    public async Task Monitor_cool_down_prevents_a_retraining_loop()
    {
        await using var app = await MlTestApp.StartAsync(fx);
        var monitor = app.Get<Pipeline.ML.Monitoring.ModelMonitor>();
        // No champion: retraining is recommended every pass, but only the first pass may start one.
        var first = await monitor.RunAsync(ModelNames.TimeToClose);
        var second = await monitor.RunAsync(ModelNames.TimeToClose);
        Assert.True(first.RetrainRecommended && first.RetrainStarted);
        Assert.True(second.RetrainRecommended);
        Assert.False(second.RetrainStarted);
        Assert.Contains(second.Reasons, r => r.Contains("cool-down"));
        Assert.NotNull(await app.Store.GetAsync(Collections.MonitorReports, second.Id));
    }

    internal static async Task WaitForAsync(Func<bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(50);
        }
    }
}
