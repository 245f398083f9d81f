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
