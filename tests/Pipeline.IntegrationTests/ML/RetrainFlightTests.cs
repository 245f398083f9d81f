using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Training;
using Pipeline.Orchestration.ML;
using Pipeline.Storage;

namespace Pipeline.IntegrationTests.ML;

/// <summary>Retraining on the durable orchestration with the real store: single-flight, outages, the data-aware gate, run tracking over HTTP.</summary>
[Collection(MlServersCollection.Name)]
public class RetrainFlightTests(MlServersFixture fx)
{
    [Fact]
    public async Task Concurrent_retrain_requests_for_one_model_give_one_run()
    {
        await using var app = await MlTestApp.StartAsync(fx, s => s["Ml:Training:Trainers"] = "Sdca");
        await app.Store.EnsureCollectionsAsync(MlCollections.Definitions);
        var options = app.Get<IOptions<MlOptions>>().Value;
        var http = Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await app.Http.PostAsJsonAsync($"/api/models/{ModelNames.TimeToClose}/retrain", new { reason = $"client {i}" });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            // The management payload {id, statusQueryGetUri, ...}; a request that joined a running retrain says so in a header.
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var started = !response.Headers.TryGetValues("X-Already-Running", out var running) || !running.Contains("true");
            return (Id: body.GetProperty("id").GetString()!, Started: started);
        });
        var timers = Enumerable.Range(0, 2).Select(async _ =>
        {
            var s = await RetrainStarter.StartAsync(app.Durable, app.Store, options, ModelNames.TimeToClose, "scheduled retraining", "schedule");
            return (Id: s.InstanceId!, s.Started);
        });
        var monitor = Enumerable.Range(0, 2).Select(async _ =>
        {
            var s = await RetrainStarter.StartAsync(app.Durable, app.Store, options, ModelNames.TimeToClose, "drift", "monitor");
            return (Id: s.InstanceId!, s.Started);
        });
        var starts = await Task.WhenAll(http.Concat(timers).Concat(monitor));
        var instance = Assert.Single(starts.Select(s => s.Id).Distinct());
        Assert.StartsWith($"retrain-{ModelNames.TimeToClose}-", instance);
        Assert.Single(starts, s => s.Started); // exactly one request started the run; the others joined it

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var meta = await app.Durable.WaitForInstanceCompletionAsync(instance, getInputsAndOutputs: true, timeout.Token);
        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ToString());
        var runs = await app.Get<TrainingRunStore>().ListAsync(ModelNames.TimeToClose);
        Assert.Single(runs);
        Assert.Equal(1, (await app.Get<ModelRegistry>().GetHeadAsync(ModelNames.TimeToClose))!.LatestVersion);

        // After it finished, a manual request starts a new run; the timer is held back by the cool-down.
        var next = await RetrainStarter.StartAsync(app.Durable, app.Store, options, ModelNames.TimeToClose, "again", RetrainStarter.Manual);
        Assert.True(next.Started);
        Assert.NotEqual(instance, next.InstanceId);
        var timer = await RetrainStarter.StartAsync(app.Durable, app.Store, options, ModelNames.TimeToClose, "scheduled", "schedule");
        Assert.False(timer.Started);
        Assert.Equal(next.InstanceId, timer.InstanceId); // the running one
        await app.Durable.WaitForInstanceCompletionAsync(next.InstanceId!, getInputsAndOutputs: false, timeout.Token);
        var held = await RetrainStarter.StartAsync(app.Durable, app.Store, options, ModelNames.TimeToClose, "scheduled", "schedule");
        Assert.False(held.Started);
        Assert.StartsWith("cool-down until", held.Status);

        // The runs are tracked and served over HTTP: list (filter, sort) and one with its folds.
        using var list = await app.Http.GetAsync($"/api/models/{ModelNames.TimeToClose}/runs?sort=-auc&metric=auc&min=0");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var body = await list.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("count").GetInt32());
        var first = body.GetProperty("runs")[0];
        var id = first.GetProperty("id").GetString()!;
        Assert.True(first.GetProperty("testMetrics").GetProperty("auc").GetDouble() >= body.GetProperty("runs")[1].GetProperty("testMetrics").GetProperty("auc").GetDouble());
        using var one = await app.Http.GetAsync($"/api/models/{ModelNames.TimeToClose}/runs/{id}");
        var run = await one.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, run.GetProperty("id").GetString());
        Assert.True(run.GetProperty("folds").GetArrayLength() >= 2);
        Assert.True(run.GetProperty("baselineMetrics").TryGetProperty("auc", out _));
        Assert.Equal("synthetic", run.GetProperty("dataset").GetProperty("source").GetString());
        Assert.True(run.GetProperty("durationSeconds").GetDouble() > 0);
        using var bad = await app.Http.GetAsync($"/api/models/{ModelNames.TimeToClose}/runs?min=abc&metric=auc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_store_outage_during_the_dataset_build_fails_the_run_instead_of_training_on_synthetic_data()
    {
        await using var app = await MlTestApp.StartAsync(fx);
        await app.Store.EnsureCollectionsAsync(MlCollections.Definitions);
        app.Faults.Down = true;
        // The builder itself: the outage propagates, although synthetic data is allowed here.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => app.Get<IssueDatasetBuilder>().BuildAsync(ModelNames.TimeToClose));
        // The durable run: the activity fails, is retried, and the run fails.
        var id = await app.Durable.ScheduleNewOrchestrationInstanceAsync(nameof(RetrainModelOrchestrator), new RetrainRequest(ModelNames.TimeToClose, "outage", "http"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var meta = await app.Durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        var failedCalls = app.Faults.FailedCalls;
        app.Faults.Down = false;
        Assert.Equal(OrchestrationRuntimeStatus.Failed, meta.RuntimeStatus);
        Assert.Contains("simulated outage", meta.FailureDetails!.ToString());
        Assert.True(failedCalls >= 4, $"{failedCalls} failed store calls: the build and its 2 retries"); // 1 direct + 3 attempts
        Assert.Null(await app.Get<ModelRegistry>().GetHeadAsync(ModelNames.TimeToClose));
        Assert.Empty(await app.Get<TrainingRunStore>().ListAsync(ModelNames.TimeToClose));
    }

    [Fact]
    public async Task Without_AllowSyntheticData_too_little_real_data_fails_with_a_clear_message()
    {
        await using var app = await MlTestApp.StartAsync(fx, s => s["Ml:AllowSyntheticData"] = "false");
        await StoreSchema.EnsureAsync(app.Store);
        var ex = await Assert.ThrowsAsync<InsufficientDataException>(() => app.Get<IssueDatasetBuilder>().BuildAsync(ModelNames.IssueLabeler));
        Assert.Contains("Ml:AllowSyntheticData", ex.Message);
        Assert.Contains("Ml:Training:MinRealIssues", ex.Message);
    }

    [Fact]
    public async Task A_synthetic_challenger_against_a_real_champion_is_rejected_with_the_reason()
    {
        await using var app = await MlTestApp.StartAsync(fx, s => s["Ml:Training:Trainers"] = "Sdca");
        await StoreSchema.EnsureAsync(app.Store);
        var now = DateTime.UtcNow;
        await IssueDocuments.StoreAsync(app.Store, new SyntheticIssueGenerator(8).Generate(1200, now.AddDays(-200), now.AddDays(-1)));
        var training = app.Get<TrainingPipeline>();
        var real = await training.RunAsync(ModelNames.TimeToClose, "test: real data");
        Assert.Equal("store", real.Version.Dataset.Source);
        Assert.Equal("promoted", real.Version.Gate.Decision);
        var synthetic = await training.RunAsync(IssueDatasetBuilder.BuildSynthetic(ModelNames.TimeToClose, 1500, 3, 0.2), "test: synthetic challenger");
        Assert.Equal("rejected", synthetic.Version.Gate.Decision);
        Assert.Contains("a challenger trained on synthetic data never replaces a champion trained on real data", synthetic.Version.Gate.Reason);
        Assert.Equal(real.Version.Version, (await app.Get<ModelRegistry>().GetHeadAsync(ModelNames.TimeToClose))!.Champion);
        var run = (await app.Get<TrainingRunStore>().ListAsync(ModelNames.TimeToClose, decision: "rejected")).Single();
        Assert.Contains("synthetic", run.DecisionReason);
    }
}

[Collection(MlServersCollection.Name)]
public class RegistryConcurrencyTests(MlServersFixture fx)
{
    [Fact]
    public async Task Concurrent_registrations_lose_no_head_update()
    {
        await using var app = await MlTestApp.StartAsync(fx);
        var registry = app.Get<ModelRegistry>();
        ModelVersionInfo Info(int i) => new() { Name = ModelNames.TimeToClose, RunId = $"r{i}", Gate = new GateInfo { Decision = "rejected", Reason = $"run {i}" } };
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => registry.RegisterAsync(Info(i), promote: i % 3 == 0))));
        var head = (await registry.GetHeadAsync(ModelNames.TimeToClose))!;
        Assert.Equal(12, head.LatestVersion);
        Assert.Equal(12, head.History.Count);      // every writer's change survived
        Assert.Equal(12L, head.Revision);
        Assert.Equal(12, head.History.Select(h => h.Version).Distinct().Count());
    }
}
