using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Snapshot;
using Pipeline.Storage;

namespace Pipeline.UnitTests.Analytics;

/// <summary>
/// The documents DuckDB renders (<see cref="TrendDocumentQuery"/>) equal, job by job, what converting each result row
/// on the host gave before: same ids, same covered periods, same field values (numbers by value, dates and timestamps
/// in the same text form), so the store and the trends routes see the same documents.
/// </summary>
public sealed class TrendDocumentQueryTests(JobFixture fixture) : IClassFixture<JobFixture>
{
    internal const string RunId = "run-1";
    internal const string ComputedAt = "2026-03-18T15:30:00.000Z";

    public static TheoryData<string> JobNames()
    {
        var data = new TheoryData<string>();
        foreach (var job in EmbeddedTrendsJobCatalog.LoadEmbedded()) data.Add(job.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(JobNames))]
    public void Rendered_documents_equal_the_row_by_row_conversion_for_a_full_and_an_incremental_plan(string jobName)
    {
        var job = new EmbeddedTrendsJobCatalog().Get(jobName);
        var allDays = fixture.Rows.Select(r => DateOnly.FromDateTime(r.CreatedAt)).Distinct().Order().ToList();
        var someDays = new[] { allDays[0], allDays[allDays.Count / 3], allDays[^1] };
        // One touched day: the plan of a daily incremental run (one period, so the period filter is a single value).
        var oneDay = new[] { allDays[allDays.Count / 2] };
        foreach (var days in new[] { allDays, someDays.ToList(), oneDay.ToList() })
        {
            var plan = JobPlan.For(job, days);
            // The input view holds only the plan's input days, as the executor fetches them (not the whole snapshot).
            var files = InputFiles(fixture.Directory, fixture.Files, plan);
            var expected = RowByRow(plan, new DuckDbJobRunner().Run(job, files, repositoriesFile: fixture.RepositoriesFile));
            var batches = new DuckDbJobRunner().RunDocuments(plan, files, RunId, ComputedAt, repositoriesFile: fixture.RepositoriesFile, batchSize: 100).ToList();
            var actual = batches.SelectMany(b => b).ToList();

            Assert.NotEmpty(expected); // every plan's periods have activity in the fixture, so an empty result is a failure
            Assert.All(batches, b => Assert.InRange(b.Count, 1, 100));
            AssertSameDocuments(jobName, expected, actual);
        }
    }

    /// <summary>What the executor reads for a plan: the snapshot partitions of the plan's input days.</summary>
    internal static List<string> InputFiles(string root, IReadOnlyList<string> files, JobPlan plan) =>
        files.Where(f => SnapshotLayout.DayOf(Path.GetRelativePath(root, f).Replace('\\', '/')) is { } day && plan.InputDays.Contains(day)).ToList();

    internal static void AssertSameDocuments(string jobName, Dictionary<string, string> expected, List<KeyValuePair<string, string>> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Select(d => d.Key).Order(StringComparer.Ordinal));
        foreach (var (id, json) in actual)
        {
            var document = DocumentJson.Parse(json);
            Assert.Equal(id, document[DocumentJson.IdField]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected[id]), document), $"{jobName} {id}:\n expected {expected[id]}\n actual   {json}");
        }
    }

    [Fact]
    public void Values_keep_their_stored_form_and_a_missing_key_value_is_empty()
    {
        var job = new TrendsJob("probe", "", ["events"], "trends_probe", ["name", "week_start"], PeriodKind.Week, "week_start", 0, "");
        var plan = JobPlan.For(job, [new DateOnly(2026, 1, 7)]);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        const string relation = "SELECT CAST(NULL AS VARCHAR) AS name, DATE '2026-01-05' AS week_start, TIMESTAMP '2026-01-06 07:08:09.123456' AS at, " +
            "CAST(1.25 AS DECIMAL(6, 2)) AS ratio, CAST(2 AS DOUBLE) AS two, CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE) AS sum, 42 AS n, TRUE AS flag, 'x' AS job " +
            "UNION ALL SELECT 'other', DATE '2025-12-29', NULL, NULL, NULL, NULL, NULL, NULL, NULL";
        var docs = DuckDbQuery.ReadDocumentBatches(connection, relation, plan, RunId, ComputedAt, 10).SelectMany(b => b).ToList();

        var (id, json) = Assert.Single(docs); // the row of 2025-12-29 is outside the plan's one week
        Assert.Equal("probe:|2026-01-05", id);
        var doc = DocumentJson.Parse(json);
        Assert.Equal(["_id", "name", "week_start", "at", "ratio", "two", "sum", "n", "flag", "job", "run_id", "computed_at"], doc.Select(p => p.Key).ToArray());
        Assert.Null(doc["name"]);
        Assert.Equal("2026-01-05", doc["week_start"]!.GetValue<string>());
        Assert.Equal("2026-01-06T07:08:09.123Z", doc["at"]!.GetValue<string>());
        Assert.Equal(1.25, doc["ratio"]!.GetValue<double>());
        Assert.Equal(2.0, doc["two"]!.GetValue<double>());
        Assert.Equal(0.1 + 0.2, doc["sum"]!.GetValue<double>());
        Assert.Equal(42, doc["n"]!.GetValue<long>());
        Assert.True(doc["flag"]!.GetValue<bool>());
        Assert.Equal("probe", doc["job"]!.GetValue<string>());
        Assert.Equal(RunId, doc["run_id"]!.GetValue<string>());
        Assert.Equal(ComputedAt, doc["computed_at"]!.GetValue<string>());
    }

    [Fact]
    public void A_row_without_its_period_or_a_result_without_a_key_column_fails_the_job()
    {
        var job = new TrendsJob("probe", "", ["events"], "trends_probe", ["name"], PeriodKind.Week, "week_start", 0, "");
        var plan = JobPlan.For(job, [new DateOnly(2026, 1, 7)]);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var noPeriod = Assert.ThrowsAny<Exception>(() => DuckDbQuery.ReadDocumentBatches(connection, "SELECT 'a' AS name, CAST(NULL AS DATE) AS week_start", plan, RunId, ComputedAt, 10).ToList());
        Assert.Contains("without week_start", noPeriod.Message);
        var noKey = Assert.Throws<InvalidOperationException>(() => DuckDbQuery.ReadDocumentBatches(connection, "SELECT DATE '2026-01-05' AS week_start", plan, RunId, ComputedAt, 10).ToList());
        Assert.Contains("key column 'name'", noKey.Message);
    }

    /// <summary>The conversion the runner did before: each result row a JSON object, filtered by period, id and run fields added.</summary>
    internal static Dictionary<string, string> RowByRow(JobPlan plan, IEnumerable<JsonObject> rows)
    {
        var job = plan.Job;
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (job.PeriodColumn is { } pc && !plan.Covers(Periods.Parse(row[pc]!.GetValue<string>()))) continue;
            var id = job.DocumentId(job.Key.Select(k => row[k]?.ToString() ?? ""));
            row["job"] = job.Name;
            row["run_id"] = RunId;
            row["computed_at"] = ComputedAt;
            docs[id] = DocumentJson.Serialize(id, row);
        }
        return docs;
    }
}
