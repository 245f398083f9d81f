namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// One event flattened for the SQL jobs: the envelope plus the few payload fields the jobs need.
/// Timestamps are UTC. The <c>*_epoch</c> columns (seconds since 1970) exist because Spark SQL and DuckDB share no
/// date-difference function; durations are computed by subtracting them.
/// </summary>
internal sealed record EventRow
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? Action { get; init; }
    /// <summary>Repository full name in GitHub's casing (display).</summary>
    public required string Repo { get; init; }
    /// <summary>Repository full name lower-cased: what the jobs group and join on. Defaults to <see cref="Repo"/> lower-cased.</summary>
    public string RepoKey { get => field ?? Repo.ToLowerInvariant(); init; }
    /// <summary>The canonical activity key (equal across sources for one GitHub activity); trends count distinct keys.
    /// Defaults to a key unique to the event.</summary>
    public string ActivityKey { get => field ?? $"{Type}:{RepoKey}:event:{Id}"; init; }
    public string? Actor { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? ReceivedAt { get; init; }
    /// <summary>The language the event itself names (payload.repository.language, else payload.pull_request.base.repo.language);
    /// the jobs prefer the repositories table's latest known language.</summary>
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
    /// <summary>Login of the issue's or pull request's author (payload.issue/pull_request.user.login): who "someone
    /// other than the author" excludes for time to first response.</summary>
    public string? ItemAuthor { get; init; }
    /// <summary><c>issue</c> or <c>pr</c> for events about an issue or pull request (an issue_comment on a pull request is <c>pr</c>).</summary>
    public string? ItemKind { get; init; }

    public long CreatedEpoch => ToEpoch(CreatedAt);
    public long? ItemCreatedEpoch => ItemCreatedAt is { } t ? ToEpoch(t) : null;
    public long? ItemClosedEpoch => ItemClosedAt is { } t ? ToEpoch(t) : null;

    public DateOnly Day => DateOnly.FromDateTime(CreatedAt);

    public static long ToEpoch(DateTime utc) => (long)Math.Floor((utc - DateTime.UnixEpoch).TotalSeconds);
}
