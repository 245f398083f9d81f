// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record RepositoryInfo
{
    /// <summary>"path" or "repo".</summary>
    public required string Source { get; init; }
    public string? Path { get; init; }
    public string? Repo { get; init; }
    /// <summary>GitHub owner/name derived from the origin remote (or the request), when known.</summary>
    public string? GitHubRepository { get; init; }
    public string? Head { get; init; }
    public string? Branch { get; init; }
    public DateOnly? Since { get; init; }
    public DateTimeOffset? FirstCommitDate { get; init; }
    public DateTimeOffset? LastCommitDate { get; init; }
    public int FilesAtHead { get; init; }
}
