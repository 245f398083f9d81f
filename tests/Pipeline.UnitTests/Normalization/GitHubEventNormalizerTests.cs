using System.Globalization;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;
using Pipeline.Testing.GitHub;

namespace Pipeline.UnitTests.Normalization;

public sealed class GitHubEventNormalizerTests
{
    private static readonly DateTimeOffset Received = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static TheoryData<string, int> ModelledExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var e in WebhookExamples.Every.Where(e => GitHubEventTypes.Modelled.Contains(e.Event))) data.Add(e.Event, e.Index);
        return data;
    }

    public static TheoryData<string, int> UnmodelledExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var e in WebhookExamples.Every.Where(e => !GitHubEventTypes.Modelled.Contains(e.Event))) data.Add(e.Event, e.Index);
        return data;
    }

    [Fact]
    public void Every_modelled_type_has_examples()
    {
        foreach (var type in GitHubEventTypes.Modelled)
        {
            Assert.True(WebhookExamples.Of(type).Any(), $"no @octokit/webhooks-examples payload for {type}");
        }
    }

    [Theory]
    [MemberData(nameof(ModelledExamples))]
    public void Webhook_modelled_payload_is_normalised_from_its_own_fields(string eventType, int index)
    {
        var example = WebhookExamples.Get(eventType, index);
        var payload = example.Payload;
        var delivery = Guid.NewGuid().ToString();

        var evt = GitHubEventNormalizer.FromWebhook(eventType, delivery, payload, Received);

        Assert.Equal("delivery:" + delivery, evt.Id);
        Assert.Equal(delivery, evt.DeliveryId);
        Assert.Equal(eventType, evt.Type);
        Assert.Equal(EventSources.Webhook, evt.Source);
        Assert.Equal(Received, evt.ReceivedAt);
        Assert.Equal(payload.GetProperty("repository").GetProperty("full_name").GetString(), evt.Repo);
        Assert.Equal(payload.GetProperty("sender").GetProperty("login").GetString(), evt.Actor);
        Assert.Equal(payload.TryGetProperty("action", out var a) ? a.GetString() : null, evt.Action);
        Assert.Equal(ExpectedTime(eventType, payload) ?? Received, evt.CreatedAt);
        Assert.Equal(payload.GetRawText(), evt.Payload.GetRawText());
    }

    /// <summary>The expected event time, read straight from the payload by path (independent of the normaliser's helpers).</summary>
    private static DateTimeOffset? ExpectedTime(string type, JsonElement p)
    {
        string? action = p.TryGetProperty("action", out var a) ? a.GetString() : null;
        JsonElement? At(params string[] path)
        {
            var cur = p;
            foreach (var step in path)
            {
                if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(step, out cur)) return null;
            }
            return cur.ValueKind == JsonValueKind.Null ? null : cur;
        }
        DateTimeOffset? T(params string[] path) => At(path) is { } v
            ? v.ValueKind == JsonValueKind.Number
                ? DateTimeOffset.FromUnixTimeSeconds(v.GetInt64())
                : DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture)
            : null;
        return type switch
        {
            "issues" => T("issue", "updated_at"),
            "issue_comment" => T("comment", "updated_at"),
            "pull_request" => T("pull_request", "updated_at"),
            "push" => T("head_commit", "timestamp") ?? T("repository", "pushed_at"),
            "star" => T("starred_at"),
            "watch" => null,
            "fork" => T("forkee", "created_at"),
            "release" => action == "created" ? T("release", "created_at")
                : action is "published" or "released" or "prereleased" ? T("release", "published_at")
                : null,
            "workflow_run" => T("workflow_run", "updated_at"),
            "repository" => action == "created" ? T("repository", "created_at") : T("repository", "updated_at"),
            _ => throw new InvalidOperationException(type),
        };
    }

    [Fact]
    public void Push_without_head_commit_uses_the_repository_pushed_at_unix_time()
    {
        var example = WebhookExamples.Of("push").First(e => !e.Payload.TryGetProperty("head_commit", out var h) || h.ValueKind == JsonValueKind.Null);
        var evt = GitHubEventNormalizer.FromWebhook("push", "d1", example.Payload, Received);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(example.Payload.GetProperty("repository").GetProperty("pushed_at").GetInt64()), evt.CreatedAt);
    }

    [Fact]
    public void Star_deleted_has_no_starred_at_and_falls_back_to_receive_time()
    {
        var example = WebhookExamples.Of("star").First(e => e.Action == "deleted");
        var evt = GitHubEventNormalizer.FromWebhook("star", "d2", example.Payload, Received);
        Assert.Equal("deleted", evt.Action);
        Assert.Equal(Received, evt.CreatedAt);
    }

    [Theory]
    [MemberData(nameof(UnmodelledExamples))]
    public void Webhook_unmodelled_payload_is_kept_raw_with_repo_or_org_and_sender(string eventType, int index)
    {
        var payload = WebhookExamples.Get(eventType, index).Payload;

        var evt = GitHubEventNormalizer.FromWebhook(eventType, "abc", payload, Received);

        var expectedRepo = payload.TryGetProperty("repository", out var r) && r.ValueKind == JsonValueKind.Object ? r.GetProperty("full_name").GetString()
            : payload.TryGetProperty("organization", out var o) && o.ValueKind == JsonValueKind.Object ? o.GetProperty("login").GetString()
            : GitHubEventNormalizer.NoRepository;
        Assert.Equal(expectedRepo, evt.Repo);
        Assert.Equal(payload.TryGetProperty("sender", out var s) ? s.GetProperty("login").GetString() : null, evt.Actor);
        Assert.Equal(eventType, evt.Type);
        Assert.Equal(Received, evt.CreatedAt);
        Assert.Equal(payload.GetRawText(), evt.Payload.GetRawText());
    }

    [Fact]
    public void Organization_events_use_the_org_login_and_app_events_use_none()
    {
        var org = WebhookExamples.Of("organization").First().Payload;
        Assert.Equal("Octocoders", GitHubEventNormalizer.FromWebhook("organization", "x", org, Received).Repo);
        var sponsorship = WebhookExamples.Of("sponsorship").First().Payload;
        Assert.Equal("(none)", GitHubEventNormalizer.FromWebhook("sponsorship", "y", sponsorship, Received).Repo);
    }

    [Fact]
    public void Non_object_payload_is_rejected()
    {
        using var doc = JsonDocument.Parse("[1,2]");
        Assert.Throws<MalformedGitHubEventException>(() => GitHubEventNormalizer.FromWebhook("issues", "d", doc.RootElement, Received));
    }

    [Theory]
    [InlineData("IssuesEvent", "issues")]
    [InlineData("IssueCommentEvent", "issue_comment")]
    [InlineData("PullRequestEvent", "pull_request")]
    [InlineData("PullRequestReviewCommentEvent", "pull_request_review_comment")]
    [InlineData("PushEvent", "push")]
    [InlineData("WatchEvent", "watch")]
    [InlineData("ForkEvent", "fork")]
    [InlineData("ReleaseEvent", "release")]
    [InlineData("CreateEvent", "create")]
    [InlineData("GollumEvent", "gollum")]
    [InlineData("CommitCommentEvent", "commit_comment")]
    [InlineData("issues", "issues")]
    public void Events_api_type_names_map_to_webhook_names(string apiType, string webhookType) =>
        Assert.Equal(webhookType, GitHubEventTypes.FromEventsApiType(apiType));

    [Fact]
    public void Archive_event_uses_its_numeric_id_envelope_fields_and_inner_payload()
    {
        const string line = """
            {"id":"26170987654","type":"IssuesEvent","actor":{"id":1,"login":"octocat","display_login":"octocat"},
             "repo":{"id":2,"name":"octo-org/hello","url":"https://api.github.com/repos/octo-org/hello"},
             "payload":{"action":"opened","issue":{"number":7,"updated_at":"2023-01-01T00:00:09Z"}},
             "public":true,"created_at":"2023-01-01T00:00:10Z","org":{"login":"octo-org"}}
            """;
        using var doc = JsonDocument.Parse(line);

        var evt = GitHubEventNormalizer.FromArchiveEvent(doc.RootElement, Received);

        Assert.Equal("26170987654", evt.Id);
        Assert.Equal("issues", evt.Type);
        Assert.Equal("opened", evt.Action);
        Assert.Equal("octo-org/hello", evt.Repo);
        Assert.Equal("octocat", evt.Actor);
        Assert.Equal(DateTimeOffset.Parse("2023-01-01T00:00:10Z", CultureInfo.InvariantCulture), evt.CreatedAt);
        Assert.Equal(EventSources.GhArchive, evt.Source);
        Assert.Null(evt.DeliveryId);
        Assert.Equal(7, evt.Payload.GetProperty("issue").GetProperty("number").GetInt32());
    }

    [Theory]
    [InlineData("""{"type":"PushEvent","created_at":"2023-01-01T00:00:00Z"}""", "no id")]
    [InlineData("""{"id":"1","created_at":"2023-01-01T00:00:00Z"}""", "no type")]
    [InlineData("""{"id":"1","type":"PushEvent"}""", "no created_at")]
    [InlineData("""[]""", "JSON object")]
    public void Archive_event_without_essentials_is_rejected_with_a_reason(string json, string reason)
    {
        using var doc = JsonDocument.Parse(json);
        var ex = Assert.Throws<MalformedGitHubEventException>(() => GitHubEventNormalizer.FromArchiveEvent(doc.RootElement, Received));
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void Polled_issue_and_pull_get_deterministic_ids_and_webhook_shaped_payloads()
    {
        using var issue = JsonDocument.Parse("""{"number":12,"state":"open","created_at":"2024-03-01T10:00:00Z","updated_at":"2024-03-01T10:00:00Z","user":{"login":"alice"}}""");
        using var pull = JsonDocument.Parse("""{"number":13,"state":"closed","created_at":"2024-03-01T10:00:00Z","updated_at":"2024-03-02T11:00:00Z","closed_at":"2024-03-02T11:00:00Z","user":{"login":"bob"},"pull_request":{"url":"u"}}""");
        using var edited = JsonDocument.Parse("""{"number":14,"state":"open","created_at":"2024-03-01T10:00:00Z","updated_at":"2024-03-03T00:00:00Z","user":{"login":"carol"}}""");

        var i = GitHubEventNormalizer.FromPolledIssue("o/r", issue.RootElement, Received);
        var p = GitHubEventNormalizer.FromPolledIssue("o/r", pull.RootElement, Received);
        var e = GitHubEventNormalizer.FromPolledIssue("o/r", edited.RootElement, Received);

        Assert.Equal("poll:issue:o/r:12:2024-03-01T10:00:00Z", i.Id);
        Assert.Equal(("issues", "opened", "alice"), (i.Type, i.Action, i.Actor));
        Assert.Equal(12, i.Payload.GetProperty("issue").GetProperty("number").GetInt32());
        Assert.Equal("o/r", i.Payload.GetProperty("repository").GetProperty("full_name").GetString());
        Assert.Equal("poll:pull:o/r:13:2024-03-02T11:00:00Z", p.Id);
        Assert.Equal(("pull_request", "closed"), (p.Type, p.Action));
        Assert.Null(p.Actor);
        Assert.Equal(13, p.Payload.GetProperty("pull_request").GetProperty("number").GetInt32());
        Assert.Null(e.Action);
        Assert.Equal(DateTimeOffset.Parse("2024-03-03T00:00:00Z", CultureInfo.InvariantCulture), e.CreatedAt);
        Assert.All([i, p, e], x => Assert.Equal(EventSources.Poller, x.Source));
    }

    [Fact]
    public void Polled_star_release_and_workflow_run_ids()
    {
        using var star = JsonDocument.Parse("""{"starred_at":"2024-05-05T05:05:05Z","user":{"login":"dave","id":9}}""");
        using var release = JsonDocument.Parse("""{"id":555,"created_at":"2024-05-01T00:00:00Z","published_at":"2024-05-02T00:00:00Z","author":{"login":"erin"}}""");
        using var run = JsonDocument.Parse("""{"id":777,"status":"completed","updated_at":"2024-05-03T00:00:00Z","actor":{"login":"frank"}}""");

        var s = GitHubEventNormalizer.FromPolledStargazer("o/r", star.RootElement, Received);
        var r = GitHubEventNormalizer.FromPolledRelease("o/r", release.RootElement, Received);
        var w = GitHubEventNormalizer.FromPolledWorkflowRun("o/r", run.RootElement, Received);

        Assert.Equal(("poll:star:o/r:dave", "star", "created", "dave"), (s.Id, s.Type, s.Action, s.Actor));
        Assert.Equal("dave", s.Payload.GetProperty("sender").GetProperty("login").GetString());
        Assert.Equal(("poll:release:555", "release", "published", "erin"), (r.Id, r.Type, r.Action, r.Actor));
        Assert.Equal(DateTimeOffset.Parse("2024-05-02T00:00:00Z", CultureInfo.InvariantCulture), r.CreatedAt);
        Assert.Equal(("poll:workflow_run:777:2024-05-03T00:00:00Z", "workflow_run", "completed", "frank"), (w.Id, w.Type, w.Action, w.Actor));
        Assert.Equal(777, w.Payload.GetProperty("workflow_run").GetProperty("id").GetInt32());
    }
}
