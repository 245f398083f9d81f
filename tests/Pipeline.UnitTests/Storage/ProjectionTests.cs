using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.Storage;
using Pipeline.Storage.Events;

namespace Pipeline.UnitTests.Storage;

/// <summary>Projections are pure folds: every arrival order and every redelivery must give the same document.</summary>
public sealed class ProjectionTests
{
    private static readonly DateTimeOffset T0 = new(2023, 7, 1, 8, 0, 0, TimeSpan.Zero);

    private static GitHubEvent Issue(string id, string action, int minute, string state, string? title = null, int comments = 0) =>
        new(id, "issues", action, "o/r", "actor" + id, T0.AddMinutes(minute), EventSources.GhArchive, null, T0.AddMinutes(minute),
            JsonSerializer.SerializeToElement(new
            {
                action,
                issue = new
                {
                    number = 1,
                    title = title ?? "t",
                    state,
                    comments,
                    user = new { login = "author" },
                    updated_at = T0.AddMinutes(minute).ToString("O"),
                    created_at = T0.ToString("O"),
                    closed_at = state == "closed" ? T0.AddMinutes(minute).ToString("O") : null,
                    labels = Array.Empty<object>(),
                },
            }));

    private static GitHubEvent Star(string id, string type, string action, int minute) =>
        new(id, type, action, "o/r", "fan", T0.AddMinutes(minute), EventSources.Webhook, id, T0.AddMinutes(minute),
            JsonSerializer.SerializeToElement(new { action, starred_at = type == "star" && action == "created" ? T0.AddMinutes(minute).ToString("O") : null }));

    private static IEnumerable<IList<T>> Permutations<T>(IList<T> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var p in Permutations(rest)) yield return new List<T>([items[i], .. p]);
        }
    }

    /// <summary>Applies events one at a time through a JSON round trip (as the sink does through the store).</summary>
    private static string Fold(IEventProjection projection, IEnumerable<GitHubEvent> events)
    {
        JsonObject? doc = null;
        foreach (var e in events)
        {
            var key = projection.KeyOf(e)!;
            doc = projection.Apply(key, doc is null ? null : JsonNode.Parse(doc.ToJsonString())!.AsObject(), [e]);
        }
        return doc!.ToJsonString();
    }

    [Fact]
    public void Issue_state_and_history_are_the_same_for_every_arrival_order_and_redelivery()
    {
        var events = new[]
        {
            Issue("1", "opened", 0, "open"), Issue("2", "edited", 1, "open", "new title"), Issue("3", "closed", 2, "closed", "new title", 4),
            Issue("4", "reopened", 3, "open", "new title", 5), Issue("5", "closed", 4, "closed", "final", 6),
        };
        var expected = Fold(new IssueProjection(), events);
        foreach (var order in Permutations(events))
        {
            Assert.Equal(expected, Fold(new IssueProjection(), order));
            Assert.Equal(expected, Fold(new IssueProjection(), order.Concat(order.Take(2))));
        }
        var doc = JsonNode.Parse(expected)!.AsObject();
        Assert.Equal("closed", doc["state"]!.GetValue<string>());
        Assert.Equal("final", doc["title"]!.GetValue<string>());
        Assert.Equal(6, doc["comments"]!.GetValue<long>());
        Assert.Equal(StoreTime.Format(T0.AddMinutes(4)), doc["closed_at"]!.GetValue<string>());
        Assert.Equal(["opened", "edited", "closed", "reopened", "closed"], doc["history"]!.AsArray().Select(h => h!["action"]!.GetValue<string>()));
    }

    [Fact]
    public void Star_state_is_the_same_for_every_arrival_order()
    {
        var events = new[] { Star("a", "watch", "started", 0), Star("b", "star", "created", 0), Star("c", "star", "deleted", 5), Star("d", "star", "created", 9), Star("e", "watch", "started", 9) };
        var expected = Fold(new StarProjection(), events);
        foreach (var order in Permutations(events)) Assert.Equal(expected, Fold(new StarProjection(), order));
        var doc = JsonNode.Parse(expected)!.AsObject();
        Assert.True(doc["starred"]!.GetValue<bool>());
        Assert.Equal(StoreTime.Format(T0.AddMinutes(9)), doc["starred_at"]!.GetValue<string>());
        Assert.Equal(StoreTime.Format(T0.AddMinutes(5)), doc["unstarred_at"]!.GetValue<string>());

        var unstarred = JsonNode.Parse(Fold(new StarProjection(), events.Take(3)))!.AsObject();
        Assert.False(unstarred["starred"]!.GetValue<bool>());
        Assert.Null(unstarred["starred_at"]);
    }

    [Fact]
    public void Keys_route_events_to_the_right_projection()
    {
        var issue = Issue("1", "opened", 0, "open");
        Assert.Equal("o/r#1", new IssueProjection().KeyOf(issue));
        Assert.Null(new PullProjection().KeyOf(issue));
        Assert.Null(new StarProjection().KeyOf(issue));
        Assert.Equal("o/r", new RepositoryProjection().KeyOf(issue));
        Assert.Equal("o/r:fan", new StarProjection().KeyOf(Star("x", "watch", "started", 0)));
        var prComment = new GitHubEvent("c", "issue_comment", "created", "o/r", "x", T0, EventSources.Webhook, null, T0,
            JsonSerializer.SerializeToElement(new { action = "created", issue = new { number = 3, pull_request = new { url = "u" } } }));
        Assert.Null(new IssueProjection().KeyOf(prComment));
        var fork = new GitHubEvent("f", "fork", null, "o/r", "x", T0, EventSources.Webhook, null, T0, JsonSerializer.SerializeToElement(new { }));
        Assert.Null(new IssueProjection().KeyOf(fork));
        Assert.Null(new StarProjection().KeyOf(fork));
    }

    [Fact]
    public void Payload_times_are_normalised_to_the_store_format()
    {
        var payload = JsonSerializer.SerializeToElement(new { a = "2019-05-15T15:20:33Z", b = 1557933565, c = "not a time", d = "2019-05-15T17:20:33+02:00" });
        Assert.Equal("2019-05-15T15:20:33.000Z", PayloadReader.Time(payload, "a"));
        Assert.Equal("2019-05-15T15:19:25.000Z", PayloadReader.Time(payload, "b"));
        Assert.Null(PayloadReader.Time(payload, "c"));
        Assert.Equal("2019-05-15T15:20:33.000Z", PayloadReader.Time(payload, "d"));
        Assert.Null(PayloadReader.Time(payload, "missing"));
    }
}
