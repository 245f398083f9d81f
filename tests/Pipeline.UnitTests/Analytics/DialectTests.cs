using Pipeline.Analytics.Dialect;
using Pipeline.Analytics.Jobs;

namespace Pipeline.UnitTests.Analytics;

public sealed class DialectTests
{
    public static TheoryData<string> JobFiles()
    {
        var data = new TheoryData<string>();
        foreach (var (file, _) in EmbeddedTrendsJobCatalog.ReadFiles()) data.Add(file);
        return data;
    }

    [Theory]
    [MemberData(nameof(JobFiles))]
    public void Job_file_uses_only_the_common_dialect(string file)
    {
        var text = EmbeddedTrendsJobCatalog.ReadFiles().Single(f => f.FileName == file).Text;
        var violations = CommonSqlDialect.Check(text);
        Assert.True(violations.Count == 0, file + ": " + string.Join("; ", violations));
    }

    [Theory]
    [InlineData("SELECT created_at::DATE FROM events", "::")]
    [InlineData("SELECT repo FROM events QUALIFY row_number() OVER (PARTITION BY repo ORDER BY created_at) = 1", "QUALIFY")]
    [InlineData("SELECT repo FROM events WHERE repo ILIKE '%a%'", "ILIKE")]
    [InlineData("SELECT repo FROM events WHERE repo RLIKE 'a'", "RLIKE")]
    [InlineData("SELECT percentile_approx(created_epoch, 0.5) FROM events", "percentile_approx")]
    [InlineData("SELECT quantile_cont(created_epoch, 0.5) FROM events", "quantile_cont")]
    [InlineData("SELECT datediff(item_closed_at, item_created_at) FROM events", "datediff")]
    [InlineData("SELECT date_format(created_at, 'yyyy') FROM events", "date_format")]
    [InlineData("SELECT strftime(created_at, '%Y') FROM events", "strftime")]
    [InlineData("SELECT repo || actor FROM events", "||")]
    [InlineData("SELECT \"repo\" FROM events", "\"")]
    [InlineData("SELECT `repo` FROM events", "`")]
    [InlineData("SELECT count(*) FILTER (WHERE type = 'push') FROM events", "FILTER")]
    [InlineData("SELECT created_at + INTERVAL 1 DAY FROM events", "INTERVAL")]
    [InlineData("SELECT CAST(repo AS VARCHAR) FROM events", "VARCHAR")]
    [InlineData("SELECT * EXCLUDE (id) FROM events", "EXCLUDE")]
    [InlineData("SELECT list_value(1, 2)", "list_value")]
    [InlineData("SELECT repo FROM events; SELECT 1", ";")]
    [InlineData("SELECT 'a\\n' FROM events", "'a\\n'")]
    [InlineData("SELECT CAST(created_at AS TIMESTAMPTZ) FROM events", "TIMESTAMPTZ")]
    public void Engine_specific_constructs_are_rejected(string sql, string offending)
    {
        var violations = CommonSqlDialect.Check(sql);
        Assert.Contains(violations, v => string.Equals(v.Token, offending, StringComparison.OrdinalIgnoreCase) || v.Token == offending.Trim('\''));
    }

    [Fact]
    public void Common_constructs_pass()
    {
        const string sql = """
            WITH x AS (SELECT repo, CAST(date_trunc('month', created_at) AS DATE) AS m, COUNT(DISTINCT actor) AS a FROM events GROUP BY repo, CAST(date_trunc('month', created_at) AS DATE))
            SELECT x.repo, x.m, COALESCE(x.a, 0) AS a, percentile_cont(0.5) WITHIN GROUP (ORDER BY x.a) AS p
            FROM x LEFT JOIN x AS y ON y.repo = x.repo AND year(y.m) = year(x.m) - 1
            WHERE x.repo IN ('a', 'b') AND x.a <> 0 AND x.a != 1 AND x.m >= DATE '2024-01-01'
            GROUP BY x.repo, x.m, x.a
            UNION ALL SELECT 'all', CAST(NULL AS DATE), 0, 0.0
            UNION ALL SELECT CASE WHEN GROUPING(repo) = 0 THEN repo ELSE '*' END, CAST(NULL AS DATE), COUNT(*), 0.0 FROM events GROUP BY GROUPING SETS ((repo), ())
            """;
        Assert.Empty(CommonSqlDialect.Check(sql));
    }
}
