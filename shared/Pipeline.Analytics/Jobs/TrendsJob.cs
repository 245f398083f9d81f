namespace Pipeline.Analytics.Jobs;

/// <summary>
/// One aggregation job: a SQL file plus the header that declares its inputs, output collection, key and period.
/// The SQL is a single query over the view <c>events</c> (the flattened Parquet snapshot) and the view
/// <c>repositories</c> (repo_key, repo, language). <see cref="FullHistory"/> (header <c>-- history: all</c>): each
/// recomputed period reads every day up to its end, for measures that depend on everything before (first response,
/// first contribution).
/// </summary>
public sealed record TrendsJob(
    string Name,
    string Description,
    IReadOnlyList<string> Inputs,
    string Output,
    IReadOnlyList<string> Key,
    PeriodKind Period,
    string? PeriodColumn,
    int LookbackYears,
    string Sql,
    bool FullHistory = false)
{
    /// <summary>The first day a <see cref="FullHistory"/> job reads (GitHub opened in 2008).</summary>
    public static readonly DateOnly HistoryStart = new(2008, 1, 1);

    /// <summary>The document id of a result row: job name and key values, so re-running a period replaces its rows.</summary>
    public string DocumentId(IEnumerable<string> keyValues) => Name + ":" + string.Join("|", keyValues);
}
