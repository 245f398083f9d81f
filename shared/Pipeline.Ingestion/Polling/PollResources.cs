namespace Pipeline.Ingestion.Polling;

internal static class PollResources
{
    public const string Issues = "issues";
    public const string Stargazers = "stargazers";
    public const string Releases = "releases";
    public const string WorkflowRuns = "workflow_runs";

    /// <summary>The state key of a repository's metadata lookup (not a configurable resource: it runs when a token is set).</summary>
    public const string RepositoryMetadata = "repository";

    public static IReadOnlyList<string> All { get; } = [Issues, Stargazers, Releases, WorkflowRuns];
}
