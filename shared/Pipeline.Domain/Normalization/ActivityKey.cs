using System.Globalization;
using System.Text.Json;

namespace Pipeline.Domain.Normalization;

/// <summary>
/// The canonical key of the GitHub activity an event reports, equal for every source that reports the same activity
/// (a webhook delivery, a GH Archive record, a polled REST resource), so trends count an activity once and projections
/// fold it once however many sources delivered it.
/// <para>Repository part: the lower-cased full name (<see cref="RepoKey"/>). GitHub's repository id would survive renames,
/// but the poller's resources (issues, stargazers, releases) carry no repository id and the GH Archive envelope's
/// <c>repo.id</c> is not part of the stored payload, so only the name is known to every source; using it everywhere keeps
/// the rule deterministic. Logins are lower-cased too (GitHub logins are case-insensitive).</para>
/// <para>Per type (<c>{r}</c> = repository key, <c>#n</c> = issue or pull-request number):
/// issues <c>issues:{r}#n:{action}</c>, plus <c>:{closed_at}</c> for closed and <c>:{updated_at}</c> for every action but
/// opened (an issue is opened once, but closed, reopened, labelled... many times), and the label name for labeled and
/// unlabeled (several labels are often added in the same second);
/// pull_request the same shape (a merge is <c>closed</c> with merged = true, so PR merged shares the closed key);
/// star: <c>star:{r}:{login}</c> for <c>watch started</c> and <c>star created</c> alike (GitHub sends both for one click,
/// GH Archive only WatchEvent); unstar <c>unstar:{r}:{login}:{time}</c>;
/// push <c>push:{r}:{head sha}</c> (webhook <c>after</c>, GH Archive <c>head</c>);
/// issue_comment <c>issue_comment:{r}:{comment id}:{action}</c>; release <c>release:{r}:{release id}:{action}</c>;
/// fork <c>fork:{r}:{forkee full name}</c>; create/delete <c>{type}:{r}:{ref_type}:{ref}</c>;
/// workflow_run <c>workflow_run:{r}:{run id}:{action}:{updated_at}</c>.
/// Anything else, or an event missing the field its rule needs: <c>{type}:{r}:event:{event id}</c> (no cross-source
/// merge, never a false one).</para>
/// </summary>
public static class ActivityKey
{
    /// <summary>The repository part of keys and projection ids: the full name lower-cased (invariant culture).</summary>
    public static string RepoKey(string repo) => repo.ToLowerInvariant();

    public static string For(GitHubEvent e) => For(e.Type, e.Action, e.Repo, e.Actor, e.Id, e.CreatedAt, e.Payload);

    public static string For(string type, string? action, string repo, string? actor, string eventId, DateTimeOffset createdAt, JsonElement payload)
    {
        var r = RepoKey(repo);
        var login = (actor ?? GitHubEventNormalizer.Str(payload, "sender", "login"))?.ToLowerInvariant();
        string? key = type switch
        {
            GitHubEventTypes.Issues => ItemKey("issues", r, action, payload, "issue"),
            GitHubEventTypes.PullRequest => ItemKey("pull_request", r, action, payload, "pull_request"),
            GitHubEventTypes.Watch when action is null or "started" => login is null ? null : $"star:{r}:{login}",
            GitHubEventTypes.Star when action == "created" => login is null ? null : $"star:{r}:{login}",
            GitHubEventTypes.Star when action == "deleted" => login is null ? null : $"unstar:{r}:{login}:{GitHubEventNormalizer.FormatTime(createdAt)}",
            GitHubEventTypes.Push => (GitHubEventNormalizer.Str(payload, "after") ?? GitHubEventNormalizer.Str(payload, "head")) is { } sha
                ? $"push:{r}:{sha.ToLowerInvariant()}"
                : null,
            GitHubEventTypes.IssueComment => Id(payload, "comment") is { } cid ? $"issue_comment:{r}:{cid}:{action}" : null,
            GitHubEventTypes.Release => Id(payload, "release") is { } rid ? $"release:{r}:{rid}:{action}" : null,
            GitHubEventTypes.Fork => GitHubEventNormalizer.Str(payload, "forkee", "full_name") is { } forkee ? $"fork:{r}:{forkee.ToLowerInvariant()}" : null,
            "create" or "delete" => GitHubEventNormalizer.Str(payload, "ref_type") is { } refType
                ? $"{type}:{r}:{refType}:{GitHubEventNormalizer.Str(payload, "ref")}"
                : null,
            GitHubEventTypes.WorkflowRun => Id(payload, "workflow_run") is { } wid
                ? $"workflow_run:{r}:{wid}:{action}:{Time(payload, "workflow_run", "updated_at")}"
                : null,
            _ => null,
        };
        return key ?? $"{type}:{r}:event:{eventId}";
    }

    private static string? ItemKey(string type, string repo, string? action, JsonElement payload, string item)
    {
        var number = Num(payload, item, "number") ?? Num(payload, "number");
        if (number is null || action is null) return null;
        var key = $"{type}:{repo}#{number.Value.ToString(CultureInfo.InvariantCulture)}:{action}";
        if (action == "opened") return key;
        var at = action == "closed" ? Time(payload, item, "closed_at") ?? Time(payload, item, "updated_at") : Time(payload, item, "updated_at");
        if (at is null) return null;
        // Several labels added in one second share updated_at: the label name tells the activities apart.
        if (action is "labeled" or "unlabeled")
        {
            if (Text(payload, "label", "name") is not { } label) return null;
            return key + ":" + at + ":" + label.ToLowerInvariant();
        }
        return key + ":" + at;
    }

    private static string? Time(JsonElement payload, params string[] path) =>
        GitHubEventNormalizer.Time(payload, path) is { } t ? GitHubEventNormalizer.FormatTime(t) : null;

    private static string? Text(JsonElement e, params string[] path)
    {
        var cur = e;
        foreach (var name in path)
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(name, out cur)) return null;
        }
        return cur.ValueKind == JsonValueKind.String ? cur.GetString() : null;
    }

    private static long? Num(JsonElement e, params string[] path)
    {
        var cur = e;
        foreach (var name in path)
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(name, out cur)) return null;
        }
        return cur.ValueKind == JsonValueKind.Number && cur.TryGetInt64(out var v) ? v : null;
    }

    private static string? Id(JsonElement payload, string item) =>
        Num(payload, item, "id") is { } id ? id.ToString(CultureInfo.InvariantCulture) : null;
}
