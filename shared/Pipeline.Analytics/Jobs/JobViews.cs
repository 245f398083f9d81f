namespace Pipeline.Analytics.Jobs;

/// <summary>
/// Views every engine defines next to <c>events</c> and <c>repositories</c> before it runs a job, so the jobs share one
/// definition instead of each repeating it as a CTE. The SQL is the dialect common to DuckDB and Spark SQL.
/// </summary>
internal static class JobViews
{
    /// <summary>Name of the view that gives each repository of the job's events its display name and language.</summary>
    public const string RepoLanguageName = "repo_language";

    /// <summary>Per <c>repo_key</c> of the events: the display name and the latest known language from the
    /// repositories table, else the largest the events name, else <c>unknown</c> (see docs/analytics.md, Language).</summary>
    public const string RepoLanguageSql = """
        SELECT
          e.repo_key,
          COALESCE(MAX(r.repo), MAX(e.repo)) AS repo,
          COALESCE(MAX(r.language), MAX(e.language), 'unknown') AS language
        FROM events e
        LEFT JOIN repositories r ON r.repo_key = e.repo_key
        GROUP BY e.repo_key
        """;
}
