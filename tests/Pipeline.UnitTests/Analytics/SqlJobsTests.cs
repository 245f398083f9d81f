using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;

namespace Pipeline.UnitTests.Analytics;

/// <summary>Every SQL job, run by real DuckDB over the Parquet fixture, equals the same aggregation computed in C#.</summary>
public sealed class SqlJobsTests(JobFixture fixture) : IClassFixture<JobFixture>
{
    public static TheoryData<string> JobNames()
    {
        var data = new TheoryData<string>();
        foreach (var job in EmbeddedTrendsJobCatalog.LoadEmbedded()) data.Add(job.Name);
        return data;
    }

    [Fact]
    public void Catalog_holds_every_required_job_with_its_declared_output()
    {
        var jobs = new EmbeddedTrendsJobCatalog().Jobs.ToDictionary(j => j.Name);
        Assert.Equal(PeriodKind.Day, jobs["events_per_type_daily"].Period);
        Assert.Equal(PeriodKind.Week, jobs["repo_activity_weekly"].Period);
        Assert.Equal(PeriodKind.Week, jobs["activity_weekly"].Period);
        Assert.Equal(PeriodKind.Month, jobs["language_popularity_monthly"].Period);
        Assert.Equal(PeriodKind.Month, jobs["time_to_close_monthly"].Period);
        Assert.Equal(1, jobs["top_growing_monthly"].LookbackYears);
        Assert.Equal(PeriodKind.Month, jobs["contributors_monthly"].Period);
        Assert.Equal(PeriodKind.None, jobs["repositories"].Period);
        Assert.Equal(PeriodKind.Month, jobs["first_response_monthly"].Period);
        Assert.True(jobs["first_response_monthly"].FullHistory);
        Assert.True(jobs["contributors_monthly"].FullHistory);
        Assert.All(jobs.Values, j => Assert.StartsWith("trends_", j.Output));
        Assert.All(jobs.Values, j => Assert.Equal("events", j.Inputs[0]));
        // A job that reads the repositories view or a shared view declares it; none defines its own repo_language.
        Assert.All(jobs.Values, j => Assert.Equal(j.Sql.Contains("repositories r", StringComparison.Ordinal), j.Inputs.Contains("repositories")));
        Assert.All(jobs.Values, j => Assert.Equal(j.Sql.Contains(JobViews.RepoLanguageName, StringComparison.Ordinal), j.Inputs.Contains(JobViews.RepoLanguageName)));
        Assert.All(jobs.Values, j => Assert.DoesNotContain(JobViews.RepoLanguageName + " AS", j.Sql, StringComparison.Ordinal));
        Assert.Equal(7, jobs.Values.Count(j => j.Inputs.Contains(JobViews.RepoLanguageName)));
    }

    [Theory]
    [MemberData(nameof(JobNames))]
    public void Job_on_duckdb_equals_independent_computation(string jobName)
    {
        var job = new EmbeddedTrendsJobCatalog().Get(jobName);
        var actual = new DuckDbJobRunner().Run(job, fixture.Files, repositoriesFile: fixture.RepositoriesFile).Select(CanonJson).Order(StringComparer.Ordinal).ToList();
        var expected = ExpectedResults.Compute(jobName, fixture.Rows, fixture.Repositories).Select(r => ExpectedResults.Canon(r)).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, actual.Count);
        var missing = expected.Except(actual).Take(3).ToList();
        var extra = actual.Except(expected).Take(3).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{jobName}: expected but not returned: {string.Join(" / ", missing)}; returned but not expected: {string.Join(" / ", extra)}");
        // Every key is unique, so upserting by key loses nothing.
        var keys = new DuckDbJobRunner().Run(job, fixture.Files, repositoriesFile: fixture.RepositoriesFile).Select(r => job.DocumentId(job.Key.Select(k => r[k]?.ToString() ?? ""))).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Fixture_spans_three_calendar_years_with_growth()
    {
        var byYear = fixture.Rows.GroupBy(r => r.CreatedAt.Year).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([2024, 2025, 2026], byYear.Keys.Order());
        // Same first 11 weeks compared across years: activity grows.
        int Early(int y) => fixture.Rows.Count(r => r.CreatedAt.Year == y && r.CreatedAt.DayOfYear <= 77);
        Assert.True(Early(2026) > Early(2025) && Early(2025) > Early(2024), $"{Early(2024)} {Early(2025)} {Early(2026)}");
    }

    private static string CanonJson(JsonObject row) => ExpectedResults.Canon(row.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        var other => other.ToJsonString(),
    })));
}
