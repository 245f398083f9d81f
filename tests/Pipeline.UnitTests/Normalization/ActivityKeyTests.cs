using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain.Normalization;
using Pipeline.Testing.GitHub;

namespace Pipeline.UnitTests.Normalization;

/// <summary>One GitHub activity, one key, whichever source reports it.</summary>
public sealed class ActivityKeyTests
{
    private static readonly DateTimeOffset Received = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static JsonElement Example(string type, string action) => WebhookExamples.Of(type).First(e => e.Action == action).Payload;

    private static JsonElement Archive(string type, string repo, string actor, string createdAt, JsonObject payload) => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["id"] = "123",
        ["type"] = type,
        ["actor"] = new JsonObject { ["login"] = actor },
        ["repo"] = new JsonObject { ["id"] = 1, ["name"] = repo },
        ["payload"] = payload,
        ["created_at"] = createdAt,
    });

    [Fact]
    public void An_issue_opened_by_webhook_gh_archive_and_poller_has_one_key()
    {
        var hook = Example("issues", "opened");
        var webhook = GitHubEventNormalizer.FromWebhook("issues", "d-1", hook, Received);
        var issue = JsonNode.Parse(hook.GetProperty("issue").GetRawText())!.AsObject();
        var archive = GitHubEventNormalizer.FromArchiveEvent(Archive("IssuesEvent", "codertocat/HELLO-world", "Codertocat", issue["created_at"]!.GetValue<string>(),
            new JsonObject { ["action"] = "opened", ["issue"] = issue.DeepClone() }), Received);
        var polled = GitHubEventNormalizer.FromPolledIssue("Codertocat/Hello-World", JsonSerializer.SerializeToElement(issue), Received);

        Assert.Equal("issues:codertocat/hello-world#1:opened", webhook.ActivityKey);
        Assert.Equal(webhook.ActivityKey, archive.ActivityKey);
        Assert.Equal(webhook.ActivityKey, polled.ActivityKey);
        Assert.NotEqual(webhook.Id, archive.Id);
        Assert.Equal(webhook.RepoKey, archive.RepoKey);
    }

    [Fact]
    public void Star_created_watch_started_gh_archive_watch_and_a_polled_stargazer_share_a_key()
    {
        var star = GitHubEventNormalizer.FromWebhook("star", "d-2", Example("star", "created"), Received);
        var watch = GitHubEventNormalizer.FromWebhook("watch", "d-3", Example("watch", "started"), Received);
        var archive = GitHubEventNormalizer.FromArchiveEvent(Archive("WatchEvent", "Codertocat/Hello-World", "codertocat", "2019-05-15T15:20:40Z",
            new JsonObject { ["action"] = "started" }), Received);
        var polled = GitHubEventNormalizer.FromPolledStargazer("Codertocat/Hello-World", JsonSerializer.SerializeToElement(new JsonObject
        {
            ["starred_at"] = "2019-05-15T15:20:40Z",
            ["user"] = new JsonObject { ["login"] = "Codertocat" },
        }), Received);
        Assert.Equal("star:codertocat/hello-world:codertocat", star.ActivityKey);
        Assert.All(new[] { watch, archive, polled }, e => Assert.Equal(star.ActivityKey, e.ActivityKey));
    }

    [Fact]
    public void Closings_at_different_times_are_different_activities_and_pushes_key_by_head_sha()
    {
        JsonElement Closed(string at) => JsonSerializer.SerializeToElement(new JsonObject
        {
            ["action"] = "closed",
            ["issue"] = new JsonObject { ["number"] = 5, ["closed_at"] = at, ["updated_at"] = at },
        });
        var first = GitHubEventNormalizer.FromArchiveEvent(Archive("IssuesEvent", "o/r", "a", "2025-01-01T00:00:00Z", JsonNode.Parse(Closed("2025-01-01T00:00:00Z").GetRawText())!.AsObject()), Received);
        var again = GitHubEventNormalizer.FromArchiveEvent(Archive("IssuesEvent", "o/r", "a", "2025-02-01T00:00:00Z", JsonNode.Parse(Closed("2025-02-01T00:00:00Z").GetRawText())!.AsObject()), Received);
        Assert.NotEqual(first.ActivityKey, again.ActivityKey);

        var push = GitHubEventNormalizer.FromWebhook("push", "d-4", Example("push", null!), Received);
        var after = push.Payload.GetProperty("after").GetString()!;
        var archivePush = GitHubEventNormalizer.FromArchiveEvent(Archive("PushEvent", push.Repo.ToUpperInvariant(), "x", "2025-01-01T00:00:00Z",
            new JsonObject { ["head"] = after, ["ref"] = "refs/heads/main" }), Received);
        Assert.Equal(push.ActivityKey, archivePush.ActivityKey);
        Assert.StartsWith("push:", push.ActivityKey);
    }

    [Fact]
    public void An_event_without_what_its_rule_needs_keys_by_its_own_id()
    {
        var e = GitHubEventNormalizer.FromArchiveEvent(Archive("GollumEvent", "O/R", "a", "2025-01-01T00:00:00Z", new JsonObject()), Received);
        Assert.Equal("gollum:o/r:event:123", e.ActivityKey);
    }
}
