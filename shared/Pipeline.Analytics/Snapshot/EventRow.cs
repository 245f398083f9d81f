namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// One event flattened for the SQL jobs: the envelope plus the few payload fields the jobs need.
/// Timestamps are UTC. The <c>*_epoch</c> columns (seconds since 1970) exist because Spark SQL and DuckDB share no
/// date-difference function; durations are computed by subtracting them.
/// </summary>
public sealed record EventRow
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? Action { get; init; }
    public required string Repo { get; init; }
    public string? Actor { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? ReceivedAt { get; init; }
    /// <summary>payload.repository.language</summary>
    public string? Language { get; init; }
    /// <summary>payload.ref_type of create/delete events (<c>repository</c>, <c>branch</c>, <c>tag</c>).</summary>
    public string? RefType { get; init; }
    /// <summary>Issue or pull-request number.</summary>
    public long? Number { get; init; }
    /// <summary>When the issue or pull request was opened (payload.issue/pull_request.created_at).</summary>
    public DateTime? ItemCreatedAt { get; init; }
    /// <summary>When it was closed (payload.issue/pull_request.closed_at).</summary>
    public DateTime? ItemClosedAt { get; init; }
    public bool? Merged { get; init; }

    public long CreatedEpoch => ToEpoch(CreatedAt);
    public long? ItemCreatedEpoch => ItemCreatedAt is { } t ? ToEpoch(t) : null;
    public long? ItemClosedEpoch => ItemClosedAt is { } t ? ToEpoch(t) : null;

    public DateOnly Day => DateOnly.FromDateTime(CreatedAt);

    public static long ToEpoch(DateTime utc) => (long)Math.Floor((utc - DateTime.UnixEpoch).TotalSeconds);
}
