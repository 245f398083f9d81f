namespace Pipeline.Audit.Model;

/// <summary>
/// What to audit: a local clone (<see cref="Path"/>, absolute) or a GitHub repository (<see cref="Repo"/>, "owner/name",
/// cloned from <see cref="AuditOptions.CloneBaseUrl"/>). Exactly one of the two is set.
/// </summary>
public sealed record AuditRequest
{
    /// <summary>Absolute path of a local git repository (work tree, worktree or bare).</summary>
    public string? Path { get; init; }

    /// <summary>GitHub repository as "owner/name".</summary>
    public string? Repo { get; init; }

    /// <summary>Only commits authored on or after this day (UTC) are analysed; the HEAD snapshot is always complete.</summary>
    public DateOnly? Since { get; init; }

    /// <summary>How many files to list per month in <c>topFilesByMonth</c>. Null means <see cref="AuditOptions.DefaultTopN"/>.</summary>
    public int? TopN { get; init; }

    /// <summary>Repository-relative path of a file whose history is reported in <c>fileHistory</c>.</summary>
    public string? File { get; init; }
}
