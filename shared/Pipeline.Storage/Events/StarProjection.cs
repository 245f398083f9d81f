using System.Text.Json.Nodes;
using Pipeline.Domain;
using static Pipeline.Storage.Events.PayloadReader;

namespace Pipeline.Storage.Events;

/// <summary>
/// Stargazers, keyed <c>{repo key}:{user lower-cased}</c>, from <c>watch</c> (started) and <c>star</c> (created/deleted) events.
/// The document keeps the star/unstar reports it has seen (<c>events</c>, newest <see cref="MaxEvents"/>) and derives its
/// state from that set, so arrival order and redelivery do not matter: the latest report (by time) decides
/// <c>starred</c>; <c>starred_at</c> is the earliest star report after the last unstar (GitHub sends both
/// <c>star created</c> and <c>watch started</c> for one click, and <c>star</c> carries the real <c>starred_at</c>).
/// </summary>
internal sealed class StarProjection : IEventProjection
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
