using System.Text;
using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.UnitTests.Kafka;

public sealed class GitHubEventSerializerTests
{
    private static GitHubEvent Sample() => new(
        Id: "delivery:72d3162e-cc78-11e3-81ab-4c9367dc0958",
        Type: "issues",
        Action: "opened",
        Repo: "Octo-Org/Hello-World",
        Actor: "octocat",
        CreatedAt: new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero),
        Source: EventSources.Webhook,
        DeliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        ReceivedAt: new DateTimeOffset(2026, 3, 4, 5, 6, 8, TimeSpan.Zero),
        Payload: JsonDocument.Parse("""{"action":"opened","issue":{"number":1,"title":"Ünïcode \"quoted\"","labels":[]}}""").RootElement.Clone());

    [Fact]
    public void Round_trip_keeps_every_field()
    {
        var e = Sample();
        var back = GitHubEventSerializer.Deserialize(GitHubEventSerializer.Serialize(e));
        Assert.Equal(e with { Payload = default }, back with { Payload = default });
        Assert.Equal(e.Payload.GetRawText(), back.Payload.GetRawText());
    }

    [Fact]
    public void Wire_format_is_camelCase_with_the_payload_as_a_json_object()
    {
        using var doc = JsonDocument.Parse(GitHubEventSerializer.Serialize(Sample()));
        var root = doc.RootElement;
        Assert.Equal(
            ["id", "type", "action", "repo", "actor", "createdAt", "source", "deliveryId", "receivedAt", "payload"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("payload").ValueKind);
        Assert.Equal("Ünïcode \"quoted\"", root.GetProperty("payload").GetProperty("issue").GetProperty("title").GetString());
        Assert.Equal("2026-03-04T05:06:07.89+00:00", root.GetProperty("createdAt").GetString());
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_receivedAt_defaults_to_createdAt()
    {
        var e = GitHubEventSerializer.Deserialize("""{"id":"9","type":"push","repo":"a/b","source":"poller","createdAt":"2026-01-01T00:00:00Z","extra":{"x":[1,2]},"payload":{"ref":"main"}}"""u8);
        Assert.Equal("9", e.Id);
        Assert.Equal(e.CreatedAt, e.ReceivedAt);
        Assert.Equal("main", e.Payload.GetProperty("ref").GetString());
    }

    [Fact]
    public void Null_optional_fields_round_trip_as_null()
    {
        var e = Sample() with { Action = null, Actor = null, DeliveryId = null };
        var back = GitHubEventSerializer.Deserialize(GitHubEventSerializer.Serialize(e));
        Assert.Null(back.Action);
        Assert.Null(back.Actor);
        Assert.Null(back.DeliveryId);
    }

    [Theory]
    [InlineData("", "empty message value")]
    [InlineData("\u00ff\u0000garbage", "not a GitHubEvent JSON document")]
    [InlineData("{\"id\":\"1\",\"type\":\"push\"", "not a GitHubEvent JSON document")]
    [InlineData("null", "JSON null instead of an event")]
    [InlineData("[1,2]", "not a GitHubEvent JSON document")]
    [InlineData("{\"hello\":\"world\"}", "missing required field(s): id, type, repo, source, createdAt, payload")]
    [InlineData("{\"id\":\"1\",\"type\":\"push\",\"repo\":\"a/b\",\"source\":\"webhook\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"receivedAt\":\"2026-01-01T00:00:00Z\"}", "missing required field(s): payload")]
    [InlineData("{\"id\":\"1\",\"type\":\"push\",\"repo\":\"a/b\",\"source\":\"webhook\",\"createdAt\":\"yesterday\",\"payload\":{}}", "not a GitHubEvent JSON document")]
    [InlineData("{\"id\":1,\"type\":\"push\",\"repo\":\"a/b\",\"source\":\"webhook\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"payload\":{}}", "not a GitHubEvent JSON document")]
    [InlineData("{\"id\":\"1\",\"type\":\"push\",\"repo\":\"a/b\",\"source\":\"webhook\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"payload\":{}} trailing", "not a GitHubEvent JSON document")]
    public void Invalid_messages_are_rejected_with_a_reason(string value, string reason)
    {
        var bytes = value.Length > 0 && value[0] == '\u00ff' ? new byte[] { 0xff, 0x00, 0x41 } : Encoding.UTF8.GetBytes(value);
        var ex = Assert.Throws<InvalidEventException>(() => GitHubEventSerializer.Deserialize(bytes));
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void An_event_without_payload_cannot_be_published()
    {
        var ex = Assert.Throws<ArgumentException>(() => GitHubEventSerializer.Serialize(Sample() with { Payload = default }));
        Assert.Contains("has no payload", ex.Message);
    }

    [Fact]
    public void Serialising_on_one_thread_many_times_returns_independent_arrays()
    {
        var a = GitHubEventSerializer.Serialize(Sample());
        var b = GitHubEventSerializer.Serialize(Sample() with { Id = "other" });
        Assert.Equal("delivery:72d3162e-cc78-11e3-81ab-4c9367dc0958", GitHubEventSerializer.Deserialize(a).Id);
        Assert.Equal("other", GitHubEventSerializer.Deserialize(b).Id);
    }
}
