using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using static Pipeline.Storage.Events.PayloadReader;

namespace Pipeline.Storage.Events;

/// <summary>
/// Repositories, keyed by the lower-cased full name (<see cref="GitHubEvent.RepoKey"/>): <c>full_name</c> in GitHub's
/// casing from the newest event, the newest repository snapshot any event carried (star/fork counts...), the latest
/// known <c>language</c>, plus first/last event times. Repository snapshots come from webhook payloads
/// (<c>repository</c>), GH Archive pull-request events (<c>pull_request.base.repo</c>, the only place the public events
/// API names a language) and the poller's REST metadata (<see cref="Domain.Normalization.GitHubEventTypes.RepositoryMetadata"/> events, <c>GET /repos/{o}/{r}</c>).
/// The language is kept from the newest snapshot that names one, so a later payload without it (a push payload, an
/// empty repository) does not erase what an earlier source knew; <c>language_source</c> says where it came from.
/// </summary>
internal sealed class RepositoryProjection : IEventProjection
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
