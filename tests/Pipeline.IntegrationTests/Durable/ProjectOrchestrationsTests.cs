// pipeline-audit:ignore — runs the audit orchestration on a fixture repository; its words are not evidence of this project's practice.
using Azure.Storage.Blobs;
using LibGit2Sharp;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Analytics;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Seed;
using Pipeline.Analytics.Snapshot;
using Pipeline.Analytics.Spark;
using Pipeline.Audit;
using Pipeline.Audit.Model;
using Pipeline.Domain;
using Pipeline.Ingestion;
using Pipeline.Ingestion.Archive;
using Pipeline.ML;
using Pipeline.ML.Training;
using Pipeline.Notifications;
using Pipeline.Orchestration;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Audit;
using Pipeline.Orchestration.Backfill;
using Pipeline.Orchestration.ML;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.GitHub;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Durable;

[CollectionDefinition(Name)]
public sealed class ProjectOrchestrationsCollection : ICollectionFixture<DurableBackendFixture>, ICollectionFixture<PostgresFixture>
{
    public const string Name = "project orchestrations on the durable backend";
}

/// <summary>
/// Every orchestration of <see cref="PipelineDurable"/> runs to Completed on the backend <c>make run</c> uses (the local host's
/// sidecar over DurableTask.AzureStorage on a real Azurite) with small real inputs and the real services: PostgreSQL,
/// Azurite blobs, DuckDB, ML.NET, a git repository. Substituted, and said so where it happens: the Kafka hop of the backfill
/// (events go straight to the real store sink the consumer would call) and the monitor's drift activity (to make it ask for a
/// retrain, so the monitor → retrain sub-orchestration runs).
/// </summary>
[Collection(ProjectOrchestrationsCollection.Name)]
public sealed class ProjectOrchestrationsTests(DurableBackendFixture backend, PostgresFixture postgres) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-durable-").FullName;

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Backfill_imports_a_gh_archive_file_and_completes_with_its_aggregation_sub_orchestration()
    {
        var store = await postgres.CreateStoreAsync("durable_backfill");
        await StoreSchema.EnsureAsync(store);
        var archive = GhArchiveFileGenerator.Generate(Path.Combine(_dir, "2024-05-01-0.json.gz"), 400, seed: 5, firstId: 1);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:CacheDirectory"] = Path.Combine(_dir, "analytics"),
            ["Analytics:StorageConnectionString"] = backend.ConnectionString,
            ["Analytics:ScheduleEnabled"] = "false",
            ["Backfill:AllowedRoots:0"] = _dir, // the file lies in a temporary folder, outside the default roots
        }).Build();
        await using var host = await AzureStorageDurableHost.StartAsync(backend.ConnectionString, AzureStorageDurableHost.NewHubName("backfill"), r =>
        {
            BackfillDurable.Register(r);
            AnalyticsDurable.Register(r);
            PipelineDurable.Register(r, Pipeline.Orchestration.Notifications.NotificationsDurable.Tasks);
        }, services =>
        {
            services.AddLogging();
            services.AddPipelineNotifications(configuration);
            services.AddSingleton<IDocumentStore>(store);
            services.AddSingleton<ISnapshotStorage>(new BlobSnapshotStorage(new BlobContainerClient(backend.ConnectionString, "snapshots-" + Guid.NewGuid().ToString("N")[..8])));
            services.AddSingleton<IEventPublisher>(new StoreSinkPublisher(new EventSink(store)));
            services.AddPipelineBackfill(configuration);
            services.AddPipelineAnalytics(configuration);
            services.AddPipelineAnalyticsOrchestration();
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BackfillOrchestrator),
            new BackfillJob([archive.Path]) { AggregateAfter = new AggregateTrendsInput { Trigger = "backfill" }, AggregateDelaySeconds = 1 });
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var result = done.ReadOutputAs<BackfillJobResult>()!;
        Assert.Equal((1, 0, 400L), (result.Files, result.FailedFiles, result.Events));
        Assert.Equal($"{id}-aggregate: completed", result.Aggregation);
        var aggregation = await host.Client.GetInstanceAsync($"{id}-aggregate", getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, aggregation!.RuntimeStatus);
        Assert.Equal("succeeded", (await store.GetAsync(Collections.JobRuns, $"{id}-aggregate"))!["status"]!.GetValue<string>());
        var weekly = await store.FindAsync(AnalyticsCollections.ActivityWeekly, DocumentQuery.All);
        Assert.Equal(400, weekly.Sum(d => d["events"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Aggregation_on_the_spark_engine_runs_each_job_as_a_sub_orchestration_that_polls_with_timers()
    {
        var store = await postgres.CreateStoreAsync("durable_spark");
        await StoreSchema.EnsureAsync(store);
        await SeedDataGenerator.SeedAsync(new EventSink(store), new SeedOptions { Now = new DateTimeOffset(2025, 7, 15, 12, 0, 0, TimeSpan.Zero), Years = 1, Scale = 0.02, NewRepositoriesPerDay = 0.02 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:CacheDirectory"] = Path.Combine(_dir, "analytics"),
            ["Analytics:StorageConnectionString"] = backend.ConnectionString,
            ["Analytics:ScheduleEnabled"] = "false",
        }).Build();
        SparkStandIn.Polls.Clear();
        await using var host = await AzureStorageDurableHost.StartAsync(backend.ConnectionString, AzureStorageDurableHost.NewHubName("spark"), r =>
        {
            // AnalyticsDurable.Register with the three Spark-operator activities replaced (no Kubernetes here): submit returns an
            // application name, the state is RUNNING on the first poll and COMPLETED on the next, and collect runs the same job
            // on the real DuckDB engine, so the rows are real.
            r.AddOrchestrator<AggregateTrendsOrchestrator>();
            r.AddOrchestrator<RunSparkTrendsJobOrchestrator>();
            r.AddActivity<PrepareTrendsSnapshotActivity>();
            r.AddActivity<RunDuckDbTrendsJobActivity>();
            r.AddActivity<RecordTrendsRunActivity>();
            r.AddActivityFunc<SubmitSparkTrendsJobInput, SparkSubmission>(nameof(SubmitSparkTrendsJobActivity), (_, input) =>
                new SparkSubmission($"trends-{input.Request.Job}", Created: true));
            r.AddActivityFunc<string, SparkApplicationState>(nameof(GetSparkTrendsJobStateActivity), (_, name) =>
                new SparkApplicationState(SparkStandIn.Polls.AddOrUpdate(name, 1, (_, n) => n + 1) == 1 ? "RUNNING" : "COMPLETED", null));
            r.AddActivity(nameof(CollectSparkTrendsJobActivity), typeof(SparkStandIn));
        }, services =>
        {
            services.AddLogging();
            services.AddSingleton<IDocumentStore>(store);
            services.AddSingleton<ISnapshotStorage>(new BlobSnapshotStorage(new BlobContainerClient(backend.ConnectionString, "snapshots-" + Guid.NewGuid().ToString("N")[..8])));
            services.AddPipelineAnalytics(configuration);
            services.AddPipelineAnalyticsOrchestration();
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(AggregateTrendsOrchestrator),
            new AggregateTrendsInput { Engine = AnalyticsOptions.SparkEngine, SparkPollSeconds = 1, Trigger = "test" });
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        var result = done.ReadOutputAs<AggregateTrendsResult>()!;
        Assert.True(result.Jobs > 0 && result.Rows > 0, $"{result.Jobs} jobs, {result.Rows} rows");
        Assert.Equal(result.Jobs, SparkStandIn.Polls.Count);
        Assert.All(SparkStandIn.Polls.Values, polls => Assert.Equal(2, polls));
        var jobs = await ListAsync(host.Client, $"{id}:spark:");
        Assert.Equal(result.Jobs, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(OrchestrationRuntimeStatus.Completed, j.RuntimeStatus));
    }

    /// <summary>Stands in for <see cref="CollectSparkTrendsJobActivity"/>: runs the job on the real DuckDB engine.</summary>
    private sealed class SparkStandIn(DuckDbJobExecutor executor) : TaskActivity<CollectSparkTrendsJobInput, JobOutcome>
    {
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Polls = new();

        public override Task<JobOutcome> RunAsync(TaskActivityContext context, CollectSparkTrendsJobInput input) => executor.ExecuteAsync(input.Request);
    }

    [Fact]
    public async Task Monitor_asks_for_a_retrain_and_the_single_flight_retrain_trains_gates_and_registers_a_model()
    {
        var store = await postgres.CreateStoreAsync("durable_ml");
        await StoreSchema.EnsureAsync(store);
        await store.EnsureCollectionsAsync(MlCollections.Definitions);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ml:BlobConnectionString"] = backend.ConnectionString,
            ["Ml:ArtifactsContainer"] = "models-" + Guid.NewGuid().ToString("N")[..12],
            ["Ml:TrainAtStartup"] = "false",
            ["Ml:Training:Grid"] = "small",
            ["Ml:Training:Trainers"] = "Sdca",
            ["Ml:Training:CvFolds"] = "2",
            ["Ml:Training:CvMaxRows"] = "800",
            ["Ml:Training:GridBudgetSeconds"] = "20",
            ["Ml:Training:SyntheticIssues"] = "800",
            ["Ml:Training:MinRealIssues"] = "300",
            // The store holds no issues: this test is about the orchestrations, so it trains on the documented synthetic
            // issues, as the local demo does (production refuses synthetic data by default).
            ["Ml:AllowSyntheticData"] = "true",
        }).Build();
        await using var host = await AzureStorageDurableHost.StartAsync(backend.ConnectionString, AzureStorageDurableHost.NewHubName("ml"), r =>
        {
            // MlDurable.Register with the drift check replaced: it reports a drift and claims the retrain slot.
            r.AddOrchestrator<RetrainModelOrchestrator>();
            r.AddOrchestrator<MonitorModelsOrchestrator>();
            r.AddActivity<BuildDatasetActivity>();
            r.AddActivity<CrossValidateActivity>();
            r.AddActivity<TrainBestActivity>();
            r.AddActivity<EvaluateModelActivity>();
            r.AddActivity<GateAndRegisterActivity>();
            r.AddActivity<ActivateChampionActivity>();
            r.AddActivity<ResolveOutcomesActivity>();
            r.AddActivity<SendAlertActivity>();
            r.AddActivity<StartRetrainActivity>();
            r.AddActivity<Pipeline.Orchestration.Notifications.NotifyAdministratorActivity>();
            r.AddActivityFunc<string, MonitorSummary>(nameof(MonitorModelActivity), (_, model) =>
                new MonitorSummary(model, $"report-{model}", 1, 50, "drift", RetrainRecommended: true, RetrainStarted: true, ["label drift (test)"]));
        }, services =>
        {
            services.AddSingleton<IDocumentStore>(store);
            services.AddPipelineMl(configuration);
            services.AddPipelineNotifications(configuration);
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(MonitorModelsOrchestrator), new MonitorRequest([ModelNames.IssueLabeler]));
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"monitor {done.RuntimeStatus}: {done.FailureDetails?.ErrorType}: {done.FailureDetails?.ErrorMessage}");
        var result = done.ReadOutputAs<MonitorResult>()!;
        // The monitor starts the retrain through the single-flight starter (an instance of its own, not a sub-orchestration).
        var retrain = Assert.Single(result.Retrains);
        Assert.Equal(ModelNames.IssueLabeler, retrain.Model);
        Assert.True(retrain.Started, retrain.Status);
        var run = await host.WaitForEndAsync(retrain.InstanceId!, Timeout);
        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{run.RuntimeStatus}: {run.FailureDetails?.ErrorType}: {run.FailureDetails?.ErrorMessage}");
        var trained = run.ReadOutputAs<RetrainResult>()!;
        Assert.True(trained.Version >= 1, $"registered version {trained.Version}");
        var runs = await ListAsync(host.Client, $"retrain-{ModelNames.IssueLabeler}-");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, Assert.Single(runs).RuntimeStatus);
    }

    [Fact]
    public async Task Audit_of_a_git_repository_completes_and_stores_its_report()
    {
        var store = await postgres.CreateStoreAsync("durable_audit");
        await StoreSchema.EnsureAsync(store);
        var repo = Path.Combine(_dir, "repo");
        Repository.Init(repo);
        using (var git = new Repository(repo))
        {
            var sig = new Signature("Dev", "dev@example.com", new DateTimeOffset(2024, 1, 10, 12, 0, 0, TimeSpan.Zero));
            File.WriteAllText(Path.Combine(repo, "README.md"), "# model\n");
            File.WriteAllText(Path.Combine(repo, "train.py"), "import numpy\nimport mlflow\nmlflow.log_metric('accuracy', 1)\n");
            Commands.Stage(git, "*");
            git.Commit("First model", sig, sig);
            var later = new Signature("Dev", "dev@example.com", new DateTimeOffset(2024, 2, 10, 12, 0, 0, TimeSpan.Zero));
            File.AppendAllText(Path.Combine(repo, "train.py"), "print('tuned')\n");
            Commands.Stage(git, "*");
            git.Commit("Tune", later, later);
        }
        await using var host = await AzureStorageDurableHost.StartAsync(backend.ConnectionString, AzureStorageDurableHost.NewHubName("audit"),
            AuditDurable.Register, services =>
            {
                services.AddSingleton<IDocumentStore>(store);
                services.AddSingleton(new AuditService(new AuditOptions { WorkDir = Path.Combine(_dir, "work") }));
            });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(AuditRepositoryOrchestrator), new AuditRequest { Path = repo, TopN = 2 });
        var done = await host.WaitForEndAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var result = done.ReadOutputAs<AuditJobResult>()!;
        Assert.Equal((id, 2), (result.InstanceId, result.CommitsAnalyzed));
        Assert.NotNull(await store.GetAsync(Collections.Audits, id));
    }

    [Fact]
    public void Every_orchestration_of_the_project_is_covered_by_this_suite()
    {
        var names = typeof(PipelineDurable).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false } && t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(TaskOrchestrator<,>))
            .Select(t => t.Name).Order().ToList();
        // Backfill and aggregation (and its DuckDB job) run in the backfill test, monitor and retrain in the ML test, audit in the
        // audit test. The Spark job sub-orchestration needs a Kubernetes Spark operator; its durable mechanics (a
        // sub-orchestration with activities, timers and retries) are those of the conformance tests.
        Assert.Equal(["AggregateTrendsOrchestrator", "AuditRepositoryOrchestrator", "BackfillOrchestrator", "MonitorModelsOrchestrator",
            "RetrainModelOrchestrator", "RunSparkTrendsJobOrchestrator"], names);
    }

    private static async Task<List<OrchestrationMetadata>> ListAsync(DurableTaskClient client, string prefix)
    {
        var list = new List<OrchestrationMetadata>();
        await foreach (var m in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix })) list.Add(m);
        return list;
    }

    /// <summary>The consumer's job without the Kafka hop: each published batch goes to the real store sink.</summary>
    private sealed class StoreSinkPublisher(IEventSink sink) : IEventPublisher
    {
        public async Task PublishAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default) => await sink.WriteAsync(events, ct);
    }
}
