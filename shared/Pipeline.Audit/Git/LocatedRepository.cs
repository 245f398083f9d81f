// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Git;

/// <summary>A repository ready to be opened: its path for LibGit2Sharp and, when known, its GitHub name.</summary>
internal sealed record LocatedRepository(string OpenPath, string Source, string? Path, string? Repo, string? GitHubRepository);
