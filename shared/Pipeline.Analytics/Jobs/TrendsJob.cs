namespace Pipeline.Analytics.Jobs;

/// <summary>How a job's output is bucketed in time; decides which periods an incremental run recomputes.</summary>
public enum PeriodKind
{
    /// <summary>No time bucket: rows are upserted from whatever days the run touched.</summary>
    None,
    Day,
    /// <summary>ISO week, starting Monday (what <c>date_trunc('week', ...)</c> gives in both engines).</summary>
    Week,
    Month,
}

/// <summary>
/// One aggregation job: a SQL file plus the header that declares its inputs, output collection, key and period.
/// The SQL is a single query over the view <c>events</c> (the flattened Parquet snapshot).
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
    string Sql)
{
    /// <summary>The document id of a result row: job name and key values, so re-running a period replaces its rows.</summary>
    public string DocumentId(IEnumerable<string> keyValues) => Name + ":" + string.Join("|", keyValues);
}
