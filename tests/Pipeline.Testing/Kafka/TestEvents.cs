using System.Text.Json;
using Pipeline.Domain;

namespace Pipeline.Testing.Kafka;

/// <summary>GH-Archive-shaped events (real field layout, realistic sizes) for Kafka tests and the ingest benchmark.</summary>
public static class TestEvents
{
    private static readonly string[] Types = ["PushEvent", "WatchEvent", "IssuesEvent", "PullRequestEvent", "IssueCommentEvent", "ForkEvent", "ReleaseEvent"];

    /// <summary><paramref name="count"/> distinct events over <paramref name="repos"/> repositories; ids start at <paramref name="firstId"/>.</summary>
    public static List<GitHubEvent> Generate(int count, long firstId = 30_000_000_000, int repos = 200, int seed = 42)
    {
        var rnd = new Random(seed);
        var list = new List<GitHubEvent>(count);
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var id = (firstId + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var repo = $"org{rnd.Next(repos / 10 + 1)}/repo{rnd.Next(repos)}";
            var actor = $"user{rnd.Next(5000)}";
            var ghType = Types[rnd.Next(Types.Length)];
            var created = t0.AddSeconds(i);
            list.Add(new GitHubEvent(
                Id: id,
                Type: ToWebhookType(ghType),
                Action: ghType is "IssuesEvent" or "PullRequestEvent" ? "opened" : ghType == "WatchEvent" ? "started" : null,
                Repo: repo,
                Actor: actor,
                CreatedAt: created,
                Source: EventSources.GhArchive,
                DeliveryId: null,
                ReceivedAt: created.AddSeconds(3),
                Payload: Payload(ghType, id, repo, actor, created, rnd)));
        }
        return list;
    }

    private static string ToWebhookType(string ghArchiveType) => ghArchiveType switch
    {
        "PushEvent" => "push",
        "WatchEvent" => "watch",
        "IssuesEvent" => "issues",
        "PullRequestEvent" => "pull_request",
        "IssueCommentEvent" => "issue_comment",
        "ForkEvent" => "fork",
        _ => "release",
    };

    private static JsonElement Payload(string type, string id, string repo, string actor, DateTimeOffset created, Random rnd)
    {
        // About 1 KB, like the median GH Archive event: ids, urls, a short body.
        var body = new string('x', 200 + rnd.Next(400));
        var json = $$"""
            {"id":"{{id}}","type":"{{type}}","actor":{"id":{{rnd.Next(1_000_000)}},"login":"{{actor}}","display_login":"{{actor}}","url":"https://api.github.com/users/{{actor}}","avatar_url":"https://avatars.githubusercontent.com/u/1?"},
             "repo":{"id":{{rnd.Next(1_000_000)}},"name":"{{repo}}","url":"https://api.github.com/repos/{{repo}}"},
             "payload":{"action":"opened","number":{{rnd.Next(10_000)}},"ref":"refs/heads/main","size":1,"body":"{{body}}"},
             "public":true,"created_at":"{{created:yyyy-MM-ddTHH:mm:ssZ}}"}
            """;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
