using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>
/// <see cref="EventSink"/> on a real store: raw events stored once, projections (repositories, issues, pulls, stars)
/// idempotent under redelivery and independent of arrival order. Written once, run per adapter.
/// </summary>
public abstract class EventSinkContractTests
{
    /// <summary>A store on an empty database.</summary>
    protected abstract Task<IDocumentStore> NewStoreAsync();

    private static readonly string[] ProjectionCollections = [Collections.Repositories, Collections.Issues, Collections.Pulls, Collections.Stars];

    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static async Task<string> DumpAsync(IDocumentStore store, params string[] collections)
    {
        var parts = new List<string>();
        foreach (var c in collections)
        {
            var docs = await store.FindAsync(c, DocumentQuery.All.OrderBy("_id"));
            parts.Add(c + ":" + string.Join("\n", docs.Select(d => Canonical(d))));
        }
        return string.Join("\n---\n", parts);
    }

    /// <summary>JSON with object keys sorted, so documents compare by content whatever the adapter's key order.</summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    /// <summary>A GH Archive-style issues event: payload {action, issue} without repository or sender objects.</summary>
    private static GitHubEvent ArchiveIssueEvent(string id, string action, int minute, string state, string title, string actor = "alice",
        string repo = "octo/widgets", int number = 7, string[]? labels = null, string? label = null)
    {
        var at = T0.AddMinutes(minute);
        var payload = new JsonObject
        {
            ["action"] = action,
            ["issue"] = new JsonObject
            {
                ["number"] = number,
                ["title"] = title,
                ["body"] = "Body of " + title,
                ["state"] = state,
                ["user"] = new JsonObject { ["login"] = "reporter" },
                ["author_association"] = "CONTRIBUTOR",
                ["labels"] = new JsonArray((labels ?? []).Select(l => (JsonNode?)new JsonObject { ["name"] = l }).ToArray()),
                ["comments"] = minute,
                ["created_at"] = T0.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["updated_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["closed_at"] = state == "closed" ? at.ToString("yyyy-MM-ddTHH:mm:ssZ") : null,
            },
        };
        if (label is not null) payload["label"] = new JsonObject { ["name"] = label };
        return new GitHubEvent(id, "issues", action, repo, actor, at, EventSources.GhArchive, null, at.AddSeconds(30),
            JsonSerializer.SerializeToElement(payload));
    }

    private static GitHubEvent StarEvent(string id, string type, string action, int minute, string user = "stargazer", int? starredMinute = null)
    {
        var at = T0.AddMinutes(minute);
        var payload = new JsonObject { ["action"] = action, ["sender"] = new JsonObject { ["login"] = user } };
        if (type == "star") payload["starred_at"] = starredMinute is { } m ? T0.AddMinutes(m).ToString("yyyy-MM-ddTHH:mm:ssZ") : null;
        return new GitHubEvent(id, type, action, "octo/widgets", user, at, EventSources.Webhook, "d-" + id, at, JsonSerializer.SerializeToElement(payload));
    }

    [StoreFact]
    public async Task Every_webhook_example_is_stored_once_and_redelivery_changes_nothing()
    {
        var store = await NewStoreAsync();
        var sink = new EventSink(store);
        var events = GitHubExamples.Events();
        Assert.True(events.Count > 200, $"expected the full example set, got {events.Count}");

        Assert.Equal(events.Count, await sink.WriteAsync(events));
        Assert.Equal(events.Count, await store.CountAsync(Collections.Events));
        var before = await DumpAsync(store, [Collections.Events, .. ProjectionCollections]);

        Assert.Equal(0, await sink.WriteAsync(events));
        Assert.Equal(0, await sink.WriteAsync(events.Take(10).Concat(events.Take(10)).ToList()));
        Assert.Equal(before, await DumpAsync(store, [Collections.Events, .. ProjectionCollections]));

        Assert.True(await store.CountAsync(Collections.Issues) > 0);
        Assert.True(await store.CountAsync(Collections.Pulls) > 0);
        Assert.True(await store.CountAsync(Collections.Stars) > 0);
        var repo = await store.GetAsync(Collections.Repositories, "codertocat/hello-world");
        Assert.NotNull(repo);
        Assert.Equal("Codertocat", repo!["owner"]!.GetValue<string>());
    }

    [StoreFact]
    public async Task Projections_do_not_depend_on_arrival_order_or_batching()
    {
        var events = GitHubExamples.Events("issues", "pull_request", "star", "watch", "issue_comment", "repository", "fork", "push");
        var inOrder = await NewStoreAsync();
        await new EventSink(inOrder).WriteAsync(events);

        var reversed = await NewStoreAsync();
        var sink = new EventSink(reversed);
        foreach (var e in events.Reverse()) await sink.WriteAsync([e]);

        Assert.Equal(await DumpAsync(inOrder, ProjectionCollections), await DumpAsync(reversed, ProjectionCollections));
    }

    [StoreFact]
    public async Task Event_documents_keep_the_envelope_and_the_raw_payload()
    {
        var store = await NewStoreAsync();
        var e = GitHubExamples.Events("issues").First(x => x.Action == "opened");
        await new EventSink(store).WriteAsync([e]);
        var doc = (await store.GetAsync(Collections.Events, e.Id))!;
        Assert.Equal("issues", doc["type"]!.GetValue<string>());
        Assert.Equal("opened", doc["action"]!.GetValue<string>());
        Assert.Equal(e.Repo, doc["repo"]!.GetValue<string>());
        Assert.Equal(e.Actor, doc["actor"]!.GetValue<string>());
        Assert.Equal(EventSources.Webhook, doc["source"]!.GetValue<string>());
        Assert.Equal(e.DeliveryId, doc["delivery_id"]!.GetValue<string>());
        Assert.Equal(StoreTime.Format(e.CreatedAt), doc["created_at"]!.GetValue<string>());
        Assert.Equal(StoreTime.Format(e.ReceivedAt), doc["received_at"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(e.Payload.GetRawText()), doc["payload"]));
    }

    [StoreFact]
    public async Task Out_of_order_issue_events_give_the_latest_state_and_an_ordered_history()
    {
        var store = await NewStoreAsync();
        var sink = new EventSink(store);
        var opened = ArchiveIssueEvent("1001", "opened", 0, "open", "Crash on start");
        var labeled = ArchiveIssueEvent("1002", "labeled", 5, "open", "Crash on start", labels: ["bug"], label: "bug");
        var closed = ArchiveIssueEvent("1003", "closed", 10, "closed", "Crash on start", actor: "maintainer", labels: ["bug"]);
        var reopened = ArchiveIssueEvent("1004", "reopened", 20, "open", "Crash on start (again)", labels: ["bug"]);
        var closedAgain = ArchiveIssueEvent("1005", "closed", 30, "closed", "Crash on start (again)", actor: "maintainer", labels: ["bug", "fixed"]);

        Assert.Equal(3, await sink.WriteAsync([closed, closedAgain, opened]));
        Assert.Equal(2, await sink.WriteAsync([reopened, labeled]));
        Assert.Equal(0, await sink.WriteAsync([opened, labeled, closed, reopened, closedAgain]));

        var issue = (await store.GetAsync(Collections.Issues, "octo/widgets#7"))!;
        Assert.Equal("closed", issue["state"]!.GetValue<string>());
        Assert.Equal("Crash on start (again)", issue["title"]!.GetValue<string>());
        Assert.Equal(StoreTime.Format(T0.AddMinutes(30)), issue["closed_at"]!.GetValue<string>());
        Assert.Equal(StoreTime.Format(T0), issue["created_at"]!.GetValue<string>());
        Assert.Equal(["bug", "fixed"], issue["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal("reporter", issue["author"]!.GetValue<string>());
        Assert.Equal("CONTRIBUTOR", issue["author_association"]!.GetValue<string>());
        Assert.Equal(30, issue["comments"]!.GetValue<long>());
        Assert.Equal(7, issue["number"]!.GetValue<long>());
        Assert.Equal("octo/widgets", issue["repo"]!.GetValue<string>());
        var history = issue["history"]!.AsArray().Select(h => h!.AsObject()).ToList();
        Assert.Equal(["opened", "labeled", "closed", "reopened", "closed"], history.Select(h => h["action"]!.GetValue<string>()));
        Assert.Equal(["alice", "alice", "maintainer", "alice", "maintainer"], history.Select(h => h["actor"]!.GetValue<string>()));
        Assert.Equal("bug", history[1]["label"]!.GetValue<string>());
        Assert.Equal(history.Select(h => h["at"]!.GetValue<string>()).OrderBy(a => a, StringComparer.Ordinal), history.Select(h => h["at"]!.GetValue<string>()));
    }

    [StoreFact]
    public async Task A_crash_after_projecting_but_before_recording_events_does_not_double_apply()
    {
        var store = await NewStoreAsync();
        var sink = new EventSink(store);
        var batch = new[]
        {
            ArchiveIssueEvent("2001", "opened", 0, "open", "Title"),
            ArchiveIssueEvent("2002", "closed", 3, "closed", "Title"),
            StarEvent("2003", "watch", "started", 1),
        };
        await sink.WriteAsync(batch);
        var projected = await DumpAsync(store, ProjectionCollections);
        // The events never got recorded (the process died after the projections): redelivery projects again.
        Assert.Equal(3, await store.DeleteManyAsync(Collections.Events, DocumentQuery.All));
        Assert.Equal(3, await sink.WriteAsync(batch));
        Assert.Equal(projected, await DumpAsync(store, ProjectionCollections));
        Assert.Equal(2, (await store.GetAsync(Collections.Issues, "octo/widgets#7"))!["history"]!.AsArray().Count);
    }

    [StoreFact]
    public async Task A_redelivered_batch_that_straddles_a_commit_projects_only_its_new_events()
    {
        var store = await NewStoreAsync();
        var sink = new EventSink(store);
        var committed = new[] { StarEvent("3001", "watch", "started", 1, user: "early") };
        Assert.Equal(1, await sink.WriteAsync(committed));
        // Remove the projection of the stored event: if the sink projected stored events again, it would come back.
        Assert.Equal(1, await store.DeleteManyAsync(Collections.Stars, DocumentQuery.All));
        var straddling = new[] { committed[0], StarEvent("3002", "watch", "started", 2, user: "late"), StarEvent("3003", "star", "created", 3, user: "late") };

        Assert.Equal(2, await sink.WriteAsync(straddling));

        Assert.Equal(3, await store.CountAsync(Collections.Events));
        Assert.Null(await store.GetAsync(Collections.Stars, "octo/widgets:early"));
        var late = await store.GetAsync(Collections.Stars, "octo/widgets:late");
        Assert.NotNull(late);
        Assert.Equal(2, late!["events"]!.AsArray().Count);
        var repo = await store.GetAsync(Collections.Repositories, "octo/widgets");
        Assert.Equal("3003", repo!["last_event_id"]!.GetValue<string>());
        Assert.Equal(StoreTime.Format(T0.AddMinutes(1)), repo["first_event_at"]!.GetValue<string>());
    }

    [StoreFact]
    public async Task Pull_requests_track_the_merged_flag_and_history()
    {
        var store = await NewStoreAsync();
        var examples = GitHubExamples.Events("pull_request");
        var mergedClose = examples.FirstOrDefault(e => e.Action == "closed" && e.Payload.GetProperty("pull_request").GetProperty("merged").GetBoolean());
        var anyClose = mergedClose ?? examples.First(e => e.Action == "closed");
        await new EventSink(store).WriteAsync([anyClose]);
        var pr = anyClose.Payload.GetProperty("pull_request");
        var doc = (await store.GetAsync(Collections.Pulls, $"{anyClose.RepoKey}#{pr.GetProperty("number").GetInt64()}"))!;
        Assert.Equal(pr.GetProperty("merged").GetBoolean(), doc["merged"]!.GetValue<bool>());
        Assert.Equal("closed", doc["state"]!.GetValue<string>());
        Assert.Equal(pr.GetProperty("user").GetProperty("login").GetString(), doc["author"]!.GetValue<string>());
        Assert.Equal(pr.GetProperty("additions").GetInt64(), doc["additions"]!.GetValue<long>());
        Assert.Equal("closed", Assert.Single(doc["history"]!.AsArray())!["action"]!.GetValue<string>());

        // An issue_comment on a pull request is not an issue.
        var prComment = GitHubExamples.Events("issue_comment").Where(e => e.Payload.GetProperty("issue").TryGetProperty("pull_request", out _)).ToList();
        await new EventSink(store).WriteAsync(prComment);
        foreach (var e in prComment)
        {
            Assert.Null(await store.GetAsync(Collections.Issues, $"{e.RepoKey}#{e.Payload.GetProperty("issue").GetProperty("number").GetInt64()}"));
        }
    }

    [StoreFact]
    public async Task Stars_keep_one_document_per_user_with_the_latest_state_in_any_order()
    {
        var events = new[]
        {
            StarEvent("s1", "watch", "started", 1),
            StarEvent("s2", "star", "created", 2, starredMinute: 1),
            StarEvent("s3", "star", "deleted", 10),
            StarEvent("s4", "star", "created", 20, starredMinute: 20),
            StarEvent("s5", "watch", "started", 3, user: "other"),
        };
        foreach (var order in new[] { events, events.Reverse().ToArray(), [events[2], events[0], events[4], events[3], events[1]] })
        {
            var store = await NewStoreAsync();
            var sink = new EventSink(store);
            foreach (var e in order) await sink.WriteAsync([e]);
            var star = (await store.GetAsync(Collections.Stars, "octo/widgets:stargazer"))!;
            Assert.True(star["starred"]!.GetValue<bool>());
            Assert.Equal(StoreTime.Format(T0.AddMinutes(20)), star["starred_at"]!.GetValue<string>());
            Assert.Equal("octo/widgets", star["repo"]!.GetValue<string>());
            Assert.Equal("stargazer", star["user"]!.GetValue<string>());
            Assert.Equal(2, await store.CountAsync(Collections.Stars));
            Assert.Equal(StoreTime.Format(T0.AddMinutes(3)), (await store.GetAsync(Collections.Stars, "octo/widgets:other"))!["starred_at"]!.GetValue<string>());
        }

        // Without the later unstar/star, the first report of the star wins, whether watch or star arrives first.
        var store2 = await NewStoreAsync();
        await new EventSink(store2).WriteAsync([events[1]]);
        await new EventSink(store2).WriteAsync([events[0]]);
        Assert.Equal(StoreTime.Format(T0.AddMinutes(1)), (await store2.GetAsync(Collections.Stars, "octo/widgets:stargazer"))!["starred_at"]!.GetValue<string>());
    }

    [StoreFact]
    public async Task Repositories_keep_the_newest_snapshot_and_the_event_time_range()
    {
        var store = await NewStoreAsync();
        GitHubEvent RepoEvent(string id, int minute, long stars, string language) => new(id, "watch", "started", "octo/widgets", "u" + id,
            T0.AddMinutes(minute), EventSources.Webhook, id, T0.AddMinutes(minute), JsonSerializer.SerializeToElement(new JsonObject
            {
                ["action"] = "started",
                ["repository"] = new JsonObject { ["full_name"] = "octo/widgets", ["language"] = language, ["stargazers_count"] = stars, ["forks_count"] = 3 },
            }));
        var sink = new EventSink(store);
        await sink.WriteAsync([RepoEvent("r2", 20, 7, "C#")]);
        await sink.WriteAsync([RepoEvent("r1", 10, 5, "C")]);
        await sink.WriteAsync([ArchiveIssueEvent("r3", "opened", 15, "open", "no repository object in GH Archive payloads")]);
        var repo = (await store.GetAsync(Collections.Repositories, "octo/widgets"))!;
        Assert.Equal(7, repo["stargazers_count"]!.GetValue<long>());
        Assert.Equal("C#", repo["language"]!.GetValue<string>());
        Assert.Equal(3, repo["forks_count"]!.GetValue<long>());
        Assert.Equal(StoreTime.Format(T0.AddMinutes(20)), repo["last_event_at"]!.GetValue<string>());
        Assert.Equal(StoreTime.Format(T0.AddMinutes(10)), repo["first_event_at"]!.GetValue<string>());
        Assert.Equal("widgets", repo["name"]!.GetValue<string>());
    }

    [StoreFact]
    public async Task Stored_events_are_listed_newest_first_with_filters()
    {
        var store = await NewStoreAsync();
        await StoreSchema.EnsureAsync(store);
        var events = GitHubExamples.Events("issues", "push", "star");
        await new EventSink(store).WriteAsync(events);
        var query = new EventQueryService(store);

        var latest = await query.ListEventsAsync(limit: 5);
        Assert.Equal(5, latest.Count);
        var expected = events.OrderByDescending(e => e.ReceivedAt).Take(5).Select(e => e.Id);
        Assert.Equal(expected, latest.Select(e => e.Id));
        Assert.All(latest, e => Assert.NotNull(e.ReceivedAt));

        var pushes = await query.ListEventsAsync(type: "push", limit: 1000);
        Assert.Equal(events.Count(e => e.Type == "push"), pushes.Count);
        Assert.All(pushes, e => Assert.Equal("push", e.Type));

        var one = events[3];
        var byDelivery = Assert.Single(await query.ListEventsAsync(deliveryId: one.DeliveryId));
        Assert.Equal(one.Id, byDelivery.Id);
        Assert.Equal(one.Action, byDelivery.Action);
        Assert.Equal(one.Repo, byDelivery.Repo);
        Assert.Equal(StoreTime.Format(one.CreatedAt), byDelivery.CreatedAt);

        Assert.Empty(await query.ListEventsAsync(repo: "nobody/nothing"));
        Assert.Equal(events.Count(e => e.Repo == "Codertocat/Hello-World" && e.Type == "issues"),
            (await query.ListEventsAsync(repo: "Codertocat/Hello-World", type: "issues", limit: 1000)).Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => query.ListEventsAsync(limit: 1001));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEventSinkTests(PostgresFixture postgres) : EventSinkContractTests, IAsyncLifetime
{
    private readonly List<PostgresStore> _stores = [];

    protected override async Task<IDocumentStore> NewStoreAsync()
    {
        var store = await postgres.CreateStoreAsync("sink");
        _stores.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
    }

    /// <summary>The set-based writer (COPY, SQL merge functions) against the generic read-modify-write path over the same
    /// PostgreSQL: the same batches give the same documents in every collection, events included.</summary>
    [Fact]
    public async Task Set_based_writer_gives_the_same_documents_as_the_generic_projection_path()
    {
        var events = GitHubExamples.Events();
        var setBased = await NewStoreAsync();
        var generic = await NewStoreAsync();
        var fast = new EventSink(setBased);
        var slow = new EventSink(new ForwardingStore(generic));
        // Batches of several sizes, the second half replayed with overlap: merges across batches and redelivery.
        var rng = new Random(15);
        for (var i = 0; i < events.Count;)
        {
            var n = Math.Min(rng.Next(1, 40), events.Count - i);
            var batch = events.Skip(i).Take(n).Concat(events.Skip(Math.Max(0, i - 5)).Take(3)).ToList();
            Assert.Equal(await slow.WriteAsync(batch), await fast.WriteAsync(batch));
            i += n;
        }
        string[] all = [Collections.Events, Collections.Repositories, Collections.Issues, Collections.Pulls, Collections.Stars];
        var expected = await DumpForCompareAsync(generic, all);
        Assert.Equal(expected, await DumpForCompareAsync(setBased, all));
        Assert.Contains("\"history\"", expected, StringComparison.Ordinal);
    }

    private static async Task<string> DumpForCompareAsync(IDocumentStore store, string[] collections)
    {
        var parts = new List<string>();
        foreach (var c in collections)
        {
            var docs = await store.FindAsync(c, DocumentQuery.All.OrderBy("_id"));
            parts.Add(c + ":" + string.Join("\n", docs.Select(d => JsonNodeCanonical(d))));
        }
        return string.Join("\n---\n", parts);
    }

    private static string JsonNodeCanonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + JsonNodeCanonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(JsonNodeCanonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };


    [Fact]
    public async Task A_store_outage_surfaces_as_StoreUnavailableException_and_loses_nothing_once_back()
    {
        await using var server = await Pipeline.Embedded.EmbeddedPostgres.StartAsync(new Pipeline.Embedded.EmbeddedPostgresOptions { Unsafe = true });
        await using var store = new PostgresStore(server.ConnectionString);
        var sink = new EventSink(store);
        var events = GitHubExamples.Events("issues");
        await server.StopServerAsync();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => sink.WriteAsync(events));
        await server.StartServerAsync();
        Assert.Equal(events.Count, await sink.WriteAsync(events));
        Assert.Equal(events.Count, await store.CountAsync(Collections.Events));
    }
}

/// <summary>The same contract on PostgreSQL through <see cref="EventSink"/>'s generic read-modify-write path (the one MongoDB
/// takes), so both PostgreSQL paths are held to the same expectations.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGenericPathEventSinkTests(PostgresFixture postgres) : EventSinkContractTests, IAsyncLifetime
{
    private readonly List<PostgresStore> _stores = [];

    protected override async Task<IDocumentStore> NewStoreAsync()
    {
        var store = await postgres.CreateStoreAsync("sinkgeneric");
        _stores.Add(store);
        return new ForwardingStore(store);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
    }
}

/// <summary>Not a <see cref="PostgresStore"/>, so <see cref="EventSink"/> takes its generic path over the same database.</summary>
internal sealed class ForwardingStore(IDocumentStore inner) : IDocumentStore
{
    public string Provider => inner.Provider;
    public Task EnsureCollectionsAsync(IEnumerable<CollectionDefinition> collections, CancellationToken ct = default) => inner.EnsureCollectionsAsync(collections, ct);
    public Task<bool> UpsertAsync(string collection, string id, JsonObject document, CancellationToken ct = default) => inner.UpsertAsync(collection, id, document, ct);
    public Task<int> UpsertManyAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default) => inner.UpsertManyAsync(collection, documents, ct);
    public Task<bool> InsertIfAbsentAsync(string collection, string id, JsonObject document, CancellationToken ct = default) => inner.InsertIfAbsentAsync(collection, id, document, ct);
    public Task<IReadOnlyList<string>> InsertManyIfAbsentAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default) => inner.InsertManyIfAbsentAsync(collection, documents, ct);
    public Task<JsonObject?> GetAsync(string collection, string id, CancellationToken ct = default) => inner.GetAsync(collection, id, ct);
    public Task<IReadOnlyList<JsonObject>> FindAsync(string collection, DocumentQuery query, CancellationToken ct = default) => inner.FindAsync(collection, query, ct);
    public Task<long> CountAsync(string collection, DocumentQuery? query = null, CancellationToken ct = default) => inner.CountAsync(collection, query, ct);
    public Task<bool> DeleteAsync(string collection, string id, CancellationToken ct = default) => inner.DeleteAsync(collection, id, ct);
    public Task<long> DeleteManyAsync(string collection, DocumentQuery query, CancellationToken ct = default) => inner.DeleteManyAsync(collection, query, ct);
    public Task PingAsync(CancellationToken ct = default) => inner.PingAsync(ct);
}

[RequiresMongo]
[Collection(MongoCollectionDefinition.Name)]
public sealed class MongoEventSinkTests : EventSinkContractTests, IAsyncLifetime
{
    private readonly List<(Pipeline.Storage.Mongo.MongoStore Store, string Database)> _stores = [];

    protected override Task<IDocumentStore> NewStoreAsync()
    {
        var database = "pipeline_sink_" + Guid.NewGuid().ToString("N")[..8];
        var store = new Pipeline.Storage.Mongo.MongoStore(MongoTestServer.ConnectionString!, database);
        _stores.Add((store, database));
        return Task.FromResult<IDocumentStore>(store);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (MongoTestServer.ConnectionString is not { } cs) return;
        using var client = new MongoDB.Driver.MongoClient(cs);
        foreach (var (store, database) in _stores)
        {
            await client.DropDatabaseAsync(database);
            store.Dispose();
        }
    }
}

/// <summary>Real-world payload oddities must not turn a batch into poison.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EventSinkOddPayloadTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Nul_characters_and_unpaired_surrogates_in_payloads_are_stored_not_rejected()
    {
        await using var store = await postgres.CreateStoreAsync("odd");
        var at = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var doc = JsonDocument.Parse("""
            {"action":"opened","issue":{"number":3,"title":"broken emoji \ud83d here","body":"nul\u0000byte","state":"open",
             "user":{"login":"x"},"labels":[{"name":"\udc00"}],"updated_at":"2024-01-01T00:00:00Z"}}
            """);
        var e = new GitHubEvent("odd-1", "issues", "opened", "o/r", "x", at, EventSources.GhArchive, null, at, doc.RootElement);
        Assert.Equal(1, await new EventSink(store).WriteAsync([e]));
        var issue = (await store.GetAsync(Collections.Issues, "o/r#3"))!;
        Assert.Equal("broken emoji \uFFFD here", issue["title"]!.GetValue<string>());
        Assert.Equal("\uFFFD", issue["labels"]![0]!.GetValue<string>());
        var stored = (await store.GetAsync(Collections.Events, "odd-1"))!;
        Assert.Equal("nul\uFFFDbyte", stored["payload"]!["issue"]!["body"]!.GetValue<string>());
    }
}
