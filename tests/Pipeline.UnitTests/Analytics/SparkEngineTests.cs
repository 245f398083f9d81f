using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using k8s;
using Microsoft.DurableTask.Client;
using Pipeline.Analytics;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Seed;
using Pipeline.Analytics.Snapshot;
using Pipeline.Analytics.Spark;
using Pipeline.Orchestration.Analytics;
using Pipeline.Storage;
using Pipeline.Testing.Analytics;

namespace Pipeline.UnitTests.Analytics;

/// <summary>The spark-k8s engine against a local server playing the Kubernetes API (KubernetesClient over real HTTP).</summary>
public sealed class SparkEngineTests
{
    private static SparkOptions Options => new() { Namespace = "spark-jobs", Image = "registry.local/spark:3.5.3", StorageUri = "abfss://snap@acct.dfs.core.windows.net" };

    [Fact]
    public async Task Submitter_creates_the_application_and_treats_409_as_already_submitted()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync();
        var client = new SparkApplicationClient(new Kubernetes(new KubernetesClientConfiguration { Host = server.Url }));
        var name = SparkJobNaming.ApplicationName("aggregate-trends-manual-1", "activity_weekly");
        var body = SparkApplicationFactory.Render(name, "activity_weekly", "aggregate-trends-manual-1", "abfss://snap@acct.dfs.core.windows.net/spark/x/job.sql", Options);

        Assert.True(await client.CreateAsync("spark-jobs", body));
        Assert.False(await client.CreateAsync("spark-jobs", body));

        Assert.Equal(["POST spark-jobs/" + name, "POST spark-jobs/" + name], server.Requests.Order());
        var created = server.Applications[name];
        Assert.Equal("Python", created["spec"]!["type"]!.GetValue<string>());
        Assert.Equal("registry.local/spark:3.5.3", created["spec"]!["image"]!.GetValue<string>());
        Assert.Equal(2, created["spec"]!["executor"]!["instances"]!.GetValue<int>());
        Assert.Equal("abfss://snap@acct.dfs.core.windows.net/spark/x/job.sql", created["spec"]!["arguments"]![0]!.GetValue<string>());
        Assert.Equal("UTC", created["spec"]!["sparkConf"]!["spark.sql.session.timeZone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_moves_from_submitted_through_running_to_completed_or_failed()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync();
        server.FailingJobs.Add("bad_job");
        var client = new SparkApplicationClient(new Kubernetes(new KubernetesClientConfiguration { Host = server.Url }));
        var good = SparkJobNaming.ApplicationName("run-1", "good_job");
        var bad = SparkJobNaming.ApplicationName("run-1", "bad_job");
        await client.CreateAsync("spark-jobs", SparkApplicationFactory.Render(good, "good_job", "run-1", "abfss://x/job.sql", Options));
        await client.CreateAsync("spark-jobs", SparkApplicationFactory.Render(bad, "bad_job", "run-1", "abfss://x/job.sql", Options));

        var states = new List<string>();
        for (var i = 0; i < 3; i++) states.Add((await client.GetStateAsync("spark-jobs", good)).State);
        Assert.Equal(["SUBMITTED", "RUNNING", "COMPLETED"], states);
        Assert.True((await client.GetStateAsync("spark-jobs", good)).Succeeded);

        await client.GetStateAsync("spark-jobs", bad);
        await client.GetStateAsync("spark-jobs", bad);
        var failed = await client.GetStateAsync("spark-jobs", bad);
        Assert.True(failed.Failed);
        Assert.Contains("ExitCode: 1", failed.ErrorMessage);
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.GetStateAsync("spark-jobs", "no-such-app"));
    }

    [Fact]
    public void Names_are_deterministic_dns_labels()
    {
        var a = SparkJobNaming.ApplicationName("aggregate-trends-timer-20260101T000000", "language_popularity_monthly");
        Assert.Equal(a, SparkJobNaming.ApplicationName("aggregate-trends-timer-20260101T000000", "language_popularity_monthly"));
        Assert.NotEqual(a, SparkJobNaming.ApplicationName("aggregate-trends-timer-20260101T010000", "language_popularity_monthly"));
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", a);
        Assert.True(a.Length <= 45);
    }

    [Fact]
    public void Script_reads_exactly_the_input_partitions_runs_the_job_sql_unchanged_and_writes_parquet()
    {
        var job = new EmbeddedTrendsJobCatalog().Get("top_growing_monthly");
        var plan = JobPlan.For(job, [new DateOnly(2026, 2, 10)]);
        var script = SparkScriptBuilder.Build(job, plan.InputDays, "abfss://snap@acct.dfs.core.windows.net/", "trends-x-1");
        var statements = script.Split(SparkScriptBuilder.Separator);
        Assert.Equal(6, statements.Length);
        Assert.Contains("USING parquet OPTIONS (path 'abfss://snap@acct.dfs.core.windows.net/events/')", statements[0]);
        // Periods recomputed: February 2026 and February 2027 (whose year-earlier comparison is February 2026); their
        // inputs are February 2025, 2026 and 2027: 3 x 28 days.
        Assert.Equal(84, Regex.Matches(statements[1], @"'\d{4}-\d{2}-\d{2}'").Count);
        Assert.Contains("'2025-02-01'", statements[1]);
        Assert.Contains("'2026-02-28'", statements[1]);
        Assert.Equal("CREATE OR REPLACE TEMPORARY VIEW repositories USING parquet OPTIONS (path 'abfss://snap@acct.dfs.core.windows.net/repositories/')", statements[2]);
        Assert.Equal("CREATE OR REPLACE TEMPORARY VIEW repo_language AS\n" + JobViews.RepoLanguageSql, statements[3]);
        Assert.EndsWith(job.Sql, statements[4]);
        Assert.StartsWith("INSERT OVERWRITE DIRECTORY 'abfss://snap@acct.dfs.core.windows.net/results/trends-x-1/' USING parquet", statements[5]);
    }

    [Fact]
    public async Task Orchestration_on_spark_k8s_submits_polls_with_durable_timers_and_collects_the_results()
    {
        var store = new InMemoryDocumentStore();
        var now = new DateTimeOffset(2025, 7, 16, 12, 0, 0, TimeSpan.Zero);
        await SeedDataGenerator.SeedAsync(store, new SeedOptions { Now = now, Years = 2, Scale = 0.1, NewRepositoriesPerDay = 0.02 });
        await using var server = await FakeKubernetesApiServer.StartAsync();
        server.FailingJobs.Add("contributors_monthly");
        var root = Path.Combine(Path.GetTempPath(), "pipeline-spark-" + Guid.NewGuid().ToString("N"));
        var storage = new LocalDirectorySnapshotStorage(root);
        // The Spark driver, played here: run the script's job SQL over the listed partitions and write the result as Parquet.
        server.OnCompleted = async app =>
        {
            var name = app["metadata"]!["name"]!.GetValue<string>();
            var script = await File.ReadAllTextAsync(Path.Combine(root, "spark", name, "job.sql"));
            var statements = script.Split(SparkScriptBuilder.Separator);
            var days = Regex.Matches(statements[1], @"'(\d{4}-\d{2}-\d{2})'").Select(m => Periods.Parse(m.Groups[1].Value));
            var files = days.Select(d => Path.Combine(root, SnapshotLayout.EventPartition(d))).Where(File.Exists).ToList();
            const string JobResult = "CREATE OR REPLACE TEMPORARY VIEW job_result AS\n";
            var sql = statements.Single(st => st.StartsWith(JobResult, StringComparison.Ordinal))[JobResult.Length..];
            var sharedViews = statements.Where(st => st.StartsWith("CREATE OR REPLACE TEMPORARY VIEW " + JobViews.RepoLanguageName + " AS", StringComparison.Ordinal)).ToList();
            var outDir = Path.Combine(root, "results", name);
            Directory.CreateDirectory(outDir);
            var repositories = Path.Combine(root, SnapshotLayout.RepositoriesTable);
            using var connection = DuckDbQuery.OpenWithEvents(files, repositoriesFile: File.Exists(repositories) ? repositories : null);
            // The script's own definition of the shared view replaces DuckDB's, as Spark would run it.
            Assert.Single(sharedViews);
            DuckDbQuery.Execute(connection, sharedViews[0]);
            DuckDbQuery.Execute(connection, $"COPY ({sql}) TO '{Path.Combine(outDir, "part-00000.parquet")}' (FORMAT PARQUET)");
        };
        await using var app = await AnalyticsTestApp.StartAsync(store, storage, new Dictionary<string, string?>
        {
            ["Analytics:Spark:ApiServer"] = server.Url,
            ["Analytics:Spark:StorageUri"] = "abfss://snap@acct.dfs.core.windows.net",
        });

        var (state, run) = await app.RunAggregationAsync(new AggregateTrendsInput
        {
            Engine = AnalyticsOptions.SparkEngine,
            From = "2025-05-01",
            To = "2025-06-30",
            SparkPollSeconds = 0.2,
            JobMaxAttempts = 2,
            FirstRetrySeconds = 0.1,
        });

        // One job's application FAILED: the run fails visibly, the others' results are in the store.
        Assert.Equal(OrchestrationRuntimeStatus.Failed, state.RuntimeStatus);
        var jobs = run!["jobs"]!.AsArray().ToDictionary(j => j!["job"]!.GetValue<string>());
        Assert.Equal("failed", jobs["contributors_monthly"]!["status"]!.GetValue<string>());
        Assert.Contains("FAILED", jobs["contributors_monthly"]!["error"]!.GetValue<string>());
        Assert.All(jobs.Where(j => j.Key != "contributors_monthly"), j => Assert.Equal("succeeded", j.Value!["status"]!.GetValue<string>()));
        Assert.All(jobs.Values, j => Assert.Equal("spark-k8s", j!["engine"]!.GetValue<string>()));
        // Every application was polled through SUBMITTED and RUNNING before it finished.
        foreach (var name in server.Applications.Keys)
        {
            Assert.True(server.Requests.Count(r => r == $"GET {new SparkOptions().Namespace}/{name}") >= 3);
        }
        // The same rows the in-process engine computes for the same periods.
        var weekly = await store.FindAsync(AnalyticsCollections.ActivityWeekly, DocumentQuery.All);
        Assert.NotEmpty(weekly);
        var duck = new DuckDbJobRunner().Run(new EmbeddedTrendsJobCatalog().Get("activity_weekly"),
            (await storage.ListAsync(SnapshotLayout.EventsPrefix)).Select(n => Path.Combine(root, n)).ToList());
        foreach (var doc in weekly)
        {
            var expected = duck.Single(r => r["week_start"]!.GetValue<string>() == doc["week_start"]!.GetValue<string>());
            Assert.Equal(expected["events"]!.ToJsonString(), doc["events"]!.ToJsonString());
        }
        Directory.Delete(root, recursive: true);
    }
}
