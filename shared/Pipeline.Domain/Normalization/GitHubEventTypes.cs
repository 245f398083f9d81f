using System.Text;

namespace Pipeline.Domain.Normalization;

/// <summary>Webhook event type names, and the mapping from Events API / GH Archive names (<c>IssuesEvent</c>) to them.</summary>
public static class GitHubEventTypes
{
    public const string Issues = "issues";
    public const string IssueComment = "issue_comment";
    public const string PullRequest = "pull_request";
    public const string Push = "push";
    public const string Star = "star";
    public const string Watch = "watch";
    public const string Fork = "fork";
    public const string Release = "release";
    public const string WorkflowRun = "workflow_run";
    public const string Repository = "repository";
    public const string Ping = "ping";

    /// <summary>Not a GitHub event: the poller's <c>GET /repos/{owner}/{repo}</c> metadata, payload
    /// <c>{"action":"fetched","repository":{...}}</c>, so the repositories projection learns a language no event carried.
    /// It is not activity: the trends snapshot leaves it out.</summary>
    public const string RepositoryMetadata = "repository_metadata";

    /// <summary>The event types whose repository, actor, action and event time are extracted from the payload.</summary>
    public static IReadOnlySet<string> Modelled { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Issues, IssueComment, PullRequest, Push, Star, Watch, Fork, Release, WorkflowRun, Repository,
    };

    /// <summary>
    /// Maps an Events API type (<c>IssuesEvent</c>, <c>PullRequestReviewCommentEvent</c>) to its webhook name
    /// (<c>issues</c>, <c>pull_request_review_comment</c>): drop the <c>Event</c> suffix and convert PascalCase to snake_case.
    /// A name that is already in webhook form is returned unchanged.
    /// </summary>
    public static string FromEventsApiType(string eventsApiType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventsApiType);
        var name = eventsApiType.EndsWith("Event", StringComparison.Ordinal) && eventsApiType.Length > 5
            ? eventsApiType[..^5]
            : eventsApiType;
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_') sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
