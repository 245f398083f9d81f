using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using static Pipeline.Storage.Events.PayloadReader;

namespace Pipeline.Storage.Events;

/// <summary>
/// A read model derived from events: which document an event touches (<see cref="KeyOf"/>) and how a group of events
/// folds into that document (<see cref="Apply"/>). Apply must be idempotent and independent of arrival order — applying an
/// event twice, or events in any order, gives the same document — because a crash between projecting and recording an
/// event makes the consumer apply it again, and GitHub, pollers and backfills deliver out of order.
/// </summary>
public interface IEventProjection
{
    string Collection { get; }

    /// <summary>The projected document's id for this event, or null when the event does not touch this projection.</summary>
    string? KeyOf(GitHubEvent e);

    /// <summary>The document after folding <paramref name="events"/> (all with key <paramref name="key"/>) into
    /// <paramref name="current"/> (null when absent; may be modified and returned).</summary>
    JsonObject Apply(string key, JsonObject? current, IReadOnlyList<GitHubEvent> events);
}

/// <summary>Shared pieces: the ordering of snapshots and the history list.</summary>
public static class ProjectionSupport
{
    public const string SnapshotKeyField = "snapshot_key";
    public const string HistoryField = "history";
    public const int MaxHistory = 1000;

    /// <summary>Total order of snapshots: the entity's own updated_at when the payload has it, then the event time, then
    /// the event id (only to break ties deterministically). Times are fixed-width ISO strings, so ordinal order is time order.</summary>
    public static string SnapshotKey(string? entityUpdatedAt, GitHubEvent e) =>
        $"{entityUpdatedAt ?? StoreTime.Format(e.CreatedAt)}|{StoreTime.Format(e.CreatedAt)}|{e.Id}";

    /// <summary>True when a snapshot with <paramref name="key"/> is newer than what <paramref name="doc"/> holds.</summary>
    public static bool IsNewer(JsonObject doc, string key) =>
        doc[SnapshotKeyField] is not JsonValue v || !v.TryGetValue<string>(out var current) || string.CompareOrdinal(key, current) > 0;

    /// <summary>Adds entries not yet present (by activity key, else event id: the same activity delivered by two sources is
    /// one entry), sorts by time then that key and keeps the newest <see cref="MaxHistory"/>. When several entries share a
    /// key, the earliest by (at, event_id) is kept whichever arrived first, so the history does not depend on arrival order
    /// or batching (<see cref="Postgres.PostgresMergeFunctions"/> applies the same rule in SQL).</summary>
    public static void MergeHistory(JsonObject doc, IEnumerable<JsonObject> entries)
    {
        var byId = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        void Offer(JsonObject o, bool clone)
        {
            if (Id(o) is not { } id) return;
            if (byId.TryGetValue(id, out var kept) && CompareEntries(o, kept) >= 0) return;
            byId[id] = clone ? (JsonObject)o.DeepClone() : o;
        }
        if (doc[HistoryField] is JsonArray existing)
        {
            foreach (var item in existing)
            {
                if (item is JsonObject o) Offer(o, clone: true);
            }
        }
        foreach (var entry in entries) Offer(entry, clone: false);
        var list = byId.Values.ToList();
        list.Sort((a, b) =>
        {
            var byTime = string.CompareOrdinal(Text(a, "at"), Text(b, "at"));
            return byTime != 0 ? byTime : string.CompareOrdinal(Id(a), Id(b));
        });
        if (list.Count > MaxHistory) list.RemoveRange(0, list.Count - MaxHistory);
        doc[HistoryField] = new JsonArray(list.Select(o => (JsonNode?)o).ToArray());
    }

    /// <summary>Which of two entries with the same key is kept: the earlier by (at, event_id), ordinal.</summary>
    private static int CompareEntries(JsonObject a, JsonObject b)
    {
        var byTime = string.CompareOrdinal(Text(a, "at"), Text(b, "at"));
        return byTime != 0 ? byTime : string.CompareOrdinal(Text(a, "event_id"), Text(b, "event_id"));
    }

    private static string? Id(JsonObject o) => Text(o, "activity_key") ?? Text(o, "event_id");

    public static string? Text(JsonObject o, string field) => o[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static void SetAll(JsonObject doc, JsonObject fields)
    {
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            doc[name] = value;
        }
    }
}

/// <summary>Issues, keyed <c>{repo key}#{number}</c> (repository lower-cased; <c>repo</c> keeps GitHub's casing): current state from the newest snapshot plus the history of actions.</summary>
public sealed class IssueProjection : IEventProjection
{
    public string Collection => Collections.Issues;

    public string? KeyOf(GitHubEvent e)
    {
        if (e.Type is not ("issues" or "issue_comment")) return null;
        if (Object(e.Payload, "issue") is not { } issue) return null;
        // issue_comment also fires for pull requests (their issue object carries pull_request); those belong to pulls.
        if (Get(issue, "pull_request") is not null) return null;
        return Long(issue, "number") is { } number ? $"{e.RepoKey}#{number}" : null;
    }

    public JsonObject Apply(string key, JsonObject? current, IReadOnlyList<GitHubEvent> events)
    {
        var doc = current ?? new JsonObject();
        var history = new List<JsonObject>();
        foreach (var e in events)
        {
            var issue = Object(e.Payload, "issue")!.Value;
            var updatedAt = Time(issue, "updated_at");
            var snapshotKey = ProjectionSupport.SnapshotKey(updatedAt, e);
            if (ProjectionSupport.IsNewer(doc, snapshotKey))
            {
                ProjectionSupport.SetAll(doc, new JsonObject
                {
                    ["repo"] = e.Repo,
                    ["number"] = Long(issue, "number"),
                    ["title"] = String(issue, "title"),
                    ["body"] = String(issue, "body"),
                    ["labels"] = Names(issue, "labels", "name"),
                    ["assignees"] = Names(issue, "assignees", "login"),
                    ["milestone"] = String(issue, "milestone", "title"),
                    ["state"] = String(issue, "state"),
                    ["state_reason"] = String(issue, "state_reason"),
                    ["locked"] = Node(Bool(issue, "locked")),
                    ["author"] = String(issue, "user", "login"),
                    ["author_association"] = String(issue, "author_association"),
                    ["created_at"] = Time(issue, "created_at"),
                    ["updated_at"] = updatedAt,
                    ["closed_at"] = Time(issue, "closed_at"),
                    ["comments"] = Node(Long(issue, "comments")),
                    ["deleted"] = e.Type == "issues" && e.Action == "deleted",
                    ["html_url"] = String(issue, "html_url"),
                    [ProjectionSupport.SnapshotKeyField] = snapshotKey,
                });
            }
            if (e.Type == "issues" && e.Action is not null)
            {
                var entry = new JsonObject
                {
                    ["event_id"] = e.Id,
                    ["activity_key"] = e.ActivityKey,
                    ["action"] = e.Action,
                    ["at"] = StoreTime.Format(e.CreatedAt),
                    ["actor"] = e.Actor ?? String(e.Payload, "sender", "login"),
                    ["state"] = String(issue, "state"),
                };
                if (String(e.Payload, "label", "name") is { } label) entry["label"] = label;
                history.Add(entry);
            }
        }
        ProjectionSupport.MergeHistory(doc, history);
        return doc;
    }
}

/// <summary>Pull requests, keyed <c>{repo key}#{number}</c>: current state (merged flag included) plus the history of actions.</summary>
public sealed class PullProjection : IEventProjection
{
    public string Collection => Collections.Pulls;

    public string? KeyOf(GitHubEvent e) =>
        e.Type == "pull_request" && Object(e.Payload, "pull_request") is { } pr
            ? (Long(pr, "number") ?? Long(e.Payload, "number")) is { } n ? $"{e.RepoKey}#{n}" : null
            : null;

    public JsonObject Apply(string key, JsonObject? current, IReadOnlyList<GitHubEvent> events)
    {
        var doc = current ?? new JsonObject();
        var history = new List<JsonObject>();
        foreach (var e in events)
        {
            var pr = Object(e.Payload, "pull_request")!.Value;
            var updatedAt = Time(pr, "updated_at");
            var snapshotKey = ProjectionSupport.SnapshotKey(updatedAt, e);
            var mergedAt = Time(pr, "merged_at");
            var merged = Bool(pr, "merged") ?? (mergedAt is not null);
            if (ProjectionSupport.IsNewer(doc, snapshotKey))
            {
                ProjectionSupport.SetAll(doc, new JsonObject
                {
                    ["repo"] = e.Repo,
                    ["number"] = Long(pr, "number") ?? Long(e.Payload, "number"),
                    ["title"] = String(pr, "title"),
                    ["body"] = String(pr, "body"),
                    ["labels"] = Names(pr, "labels", "name"),
                    ["state"] = String(pr, "state"),
                    ["draft"] = Node(Bool(pr, "draft")),
                    ["merged"] = merged,
                    ["merged_at"] = mergedAt,
                    ["merged_by"] = String(pr, "merged_by", "login"),
                    ["author"] = String(pr, "user", "login"),
                    ["author_association"] = String(pr, "author_association"),
                    ["created_at"] = Time(pr, "created_at"),
                    ["updated_at"] = updatedAt,
                    ["closed_at"] = Time(pr, "closed_at"),
                    ["comments"] = Node(Long(pr, "comments")),
                    ["review_comments"] = Node(Long(pr, "review_comments")),
                    ["commits"] = Node(Long(pr, "commits")),
                    ["additions"] = Node(Long(pr, "additions")),
                    ["deletions"] = Node(Long(pr, "deletions")),
                    ["changed_files"] = Node(Long(pr, "changed_files")),
                    ["base"] = String(pr, "base", "ref"),
                    ["head"] = String(pr, "head", "ref"),
                    ["html_url"] = String(pr, "html_url"),
                    [ProjectionSupport.SnapshotKeyField] = snapshotKey,
                });
            }
            if (e.Action is not null)
            {
                history.Add(new JsonObject
                {
                    ["event_id"] = e.Id,
                    ["activity_key"] = e.ActivityKey,
                    ["action"] = e.Action,
                    ["at"] = StoreTime.Format(e.CreatedAt),
                    ["actor"] = e.Actor ?? String(e.Payload, "sender", "login"),
                    ["state"] = String(pr, "state"),
                    ["merged"] = merged,
                });
            }
        }
        ProjectionSupport.MergeHistory(doc, history);
        return doc;
    }
}

/// <summary>
/// Stargazers, keyed <c>{repo key}:{user lower-cased}</c>, from <c>watch</c> (started) and <c>star</c> (created/deleted) events.
/// The document keeps the star/unstar reports it has seen (<c>events</c>, newest <see cref="MaxEvents"/>) and derives its
/// state from that set, so arrival order and redelivery do not matter: the latest report (by time) decides
/// <c>starred</c>; <c>starred_at</c> is the earliest star report after the last unstar (GitHub sends both
/// <c>star created</c> and <c>watch started</c> for one click, and <c>star</c> carries the real <c>starred_at</c>).
/// </summary>
public sealed class StarProjection : IEventProjection
{
    public const int MaxEvents = 100;

    public string Collection => Collections.Stars;

    public string? KeyOf(GitHubEvent e)
    {
        if (!IsStar(e) && !IsUnstar(e)) return null;
        var user = e.Actor ?? String(e.Payload, "sender", "login");
        return user is null ? null : $"{e.RepoKey}:{user.ToLowerInvariant()}";
    }

    private static bool IsStar(GitHubEvent e) => (e.Type == "watch" && e.Action is null or "started") || (e.Type == "star" && e.Action == "created");

    private static bool IsUnstar(GitHubEvent e) => e.Type == "star" && e.Action == "deleted";

    private sealed record Report(string EventId, string At, bool Starring, string? StarredAt);

    public JsonObject Apply(string key, JsonObject? current, IReadOnlyList<GitHubEvent> events)
    {
        var doc = current ?? new JsonObject();
        var reports = new Dictionary<string, Report>(StringComparer.Ordinal);
        if (doc["events"] is JsonArray known)
        {
            foreach (var item in known.OfType<JsonObject>())
            {
                if (ProjectionSupport.Text(item, "event_id") is { } id && ProjectionSupport.Text(item, "at") is { } at)
                {
                    var starring = item["starring"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
                    reports[id] = new Report(id, at, starring, ProjectionSupport.Text(item, "starred_at"));
                }
            }
        }
        foreach (var e in events)
        {
            var at = StoreTime.Format(e.CreatedAt);
            var starring = IsStar(e);
            reports[e.Id] = new Report(e.Id, at, starring, starring ? Time(e.Payload, "starred_at") ?? at : null);
        }
        var ordered = reports.Values
            .OrderBy(r => r.At, StringComparer.Ordinal).ThenBy(r => r.EventId, StringComparer.Ordinal)
            .ToList();
        if (ordered.Count > MaxEvents) ordered.RemoveRange(0, ordered.Count - MaxEvents);
        var latest = ordered[^1];
        var lastUnstar = ordered.LastOrDefault(r => !r.Starring);
        var sinceUnstar = ordered.Where(r => r.Starring && (lastUnstar is null || string.CompareOrdinal(r.At, lastUnstar.At) > 0)).ToList();

        doc["repo"] = events[0].Repo;
        doc["user"] = events[0].Actor ?? String(events[0].Payload, "sender", "login") ?? key[(key.LastIndexOf(':') + 1)..];
        doc["starred"] = latest.Starring;
        doc["starred_at"] = latest.Starring
            ? sinceUnstar.Select(r => r.StarredAt!).Min(StringComparer.Ordinal)
            : null;
        doc["unstarred_at"] = lastUnstar?.At;
        doc["changed_at"] = latest.At;
        doc["events"] = new JsonArray(ordered.Select(r => (JsonNode?)new JsonObject
        {
            ["event_id"] = r.EventId,
            ["at"] = r.At,
            ["starring"] = r.Starring,
            ["starred_at"] = r.StarredAt,
        }).ToArray());
        return doc;
    }
}

/// <summary>
/// Repositories, keyed by the lower-cased full name (<see cref="GitHubEvent.RepoKey"/>): <c>full_name</c> in GitHub's
/// casing from the newest event, the newest repository snapshot any event carried (star/fork counts...), the latest
/// known <c>language</c>, plus first/last event times. Repository snapshots come from webhook payloads
/// (<c>repository</c>), GH Archive pull-request events (<c>pull_request.base.repo</c>, the only place the public events
/// API names a language) and the poller's REST metadata (<see cref="Domain.Normalization.GitHubEventTypes.RepositoryMetadata"/> events, <c>GET /repos/{o}/{r}</c>).
/// The language is kept from the newest snapshot that names one, so a later payload without it (a push payload, an
/// empty repository) does not erase what an earlier source knew; <c>language_source</c> says where it came from.
/// </summary>
public sealed class RepositoryProjection : IEventProjection
{
    public const string LanguageSnapshotKeyField = "language_snapshot_key";

    public string Collection => Collections.Repositories;

    public string? KeyOf(GitHubEvent e) => string.IsNullOrEmpty(e.Repo) ? null : e.RepoKey;

    public JsonObject Apply(string key, JsonObject? current, IReadOnlyList<GitHubEvent> events)
    {
        var doc = current ?? new JsonObject();
        foreach (var e in events)
        {
            var at = StoreTime.Format(e.CreatedAt);
            var last = ProjectionSupport.Text(doc, "last_event_at");
            if (last is null || string.CompareOrdinal(at, last) > 0 || (at == last && string.CompareOrdinal(e.Id, ProjectionSupport.Text(doc, "last_event_id")) > 0))
            {
                doc["last_event_at"] = at;
                doc["last_event_type"] = e.Type;
                doc["last_event_id"] = e.Id;
                SetName(doc, e.Repo);
            }
            else if (doc["full_name"] is null)
            {
                SetName(doc, e.Repo);
            }
            var first = ProjectionSupport.Text(doc, "first_event_at");
            if (first is null || string.CompareOrdinal(at, first) < 0) doc["first_event_at"] = at;

            var repo = Object(e.Payload, "repository") ?? Object(e.Payload, "pull_request", "base", "repo");
            if (repo is not { } r || !string.Equals(String(r, "full_name"), e.Repo, StringComparison.OrdinalIgnoreCase)) continue;
            var snapshotKey = ProjectionSupport.SnapshotKey(null, e);
            if (String(r, "language") is { Length: > 0 } language
                && (doc[LanguageSnapshotKeyField] is not JsonValue lv || !lv.TryGetValue<string>(out var known) || string.CompareOrdinal(snapshotKey, known) > 0))
            {
                doc["language"] = language;
                doc["language_source"] = e.Type == Domain.Normalization.GitHubEventTypes.RepositoryMetadata ? "rest" : e.Source;
                doc[LanguageSnapshotKeyField] = snapshotKey;
            }
            if (!ProjectionSupport.IsNewer(doc, snapshotKey)) continue;
            var snapshot = new JsonObject
            {
                ["repo_id"] = Node(Long(r, "id")),
                ["description"] = String(r, "description"),
                ["stargazers_count"] = Node(Long(r, "stargazers_count")),
                ["forks_count"] = Node(Long(r, "forks_count")),
                ["open_issues_count"] = Node(Long(r, "open_issues_count")),
                ["watchers_count"] = Node(Long(r, "watchers_count")),
                ["default_branch"] = String(r, "default_branch"),
                ["private"] = Node(Bool(r, "private")),
                ["archived"] = Node(Bool(r, "archived")),
                ["fork"] = Node(Bool(r, "fork")),
                ["created_at"] = Time(r, "created_at"),
                ["pushed_at"] = Time(r, "pushed_at"),
                ["html_url"] = String(r, "html_url"),
                ["topics"] = Get(r, "topics") is { ValueKind: JsonValueKind.Array } topics
                    ? new JsonArray(topics.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => (JsonNode?)JsonValue.Create(DocumentJson.SafeGetString(t))).ToArray())
                    : null,
                [ProjectionSupport.SnapshotKeyField] = snapshotKey,
            };
            ProjectionSupport.SetAll(doc, snapshot);
        }
        doc.TryAdd("language", null);
        return doc;
    }

    private static void SetName(JsonObject doc, string fullName)
    {
        var slash = fullName.IndexOf('/');
        doc["full_name"] = fullName;
        doc["owner"] = slash > 0 ? fullName[..slash] : null;
        doc["name"] = slash > 0 ? fullName[(slash + 1)..] : fullName;
    }
}
