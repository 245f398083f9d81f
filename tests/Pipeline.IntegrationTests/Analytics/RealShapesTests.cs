using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Analytics;
using Pipeline.Analytics.Snapshot;
using Pipeline.Api.Webhooks;
using Pipeline.Domain;
using Pipeline.Ingestion;
using Pipeline.Ingestion.Archive;
using Pipeline.Ingestion.Polling;
using Pipeline.Ingestion.Webhooks;
using Pipeline.Orchestration.Analytics;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.GitHub;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Analytics;

/// <summary>
/// Real-shaped GitHub data through the real parts: GH Archive hour files (public events API shapes: no
/// payload.repository, the language only on a pull request's base repo) imported by the backfill service, signed webhook
/// deliveries through the webhook endpoint on Kestrel, the poller against the local GitHub replay server, the event sink on
/// PostgreSQL, the Parquet snapshot on Azurite, DuckDB and the real aggregation orchestration.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RealShapesTests(PostgresFixture postgres, AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Secret = "real-shapes-webhook-secret";

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static JsonObject Actor(string login) => new()
    {
        ["id"] = login.Length * 1000 + 7,
        ["login"] = login,
        ["display_login"] = login,
        ["gravatar_id"] = "",
        ["url"] = "https://api.github.com/users/" + login,
        ["avatar_url"] = "https://avatars.githubusercontent.com/u/1?",
    };

    /// <summary>A GH Archive record as the public events API writes it.</summary>
    private static JsonObject Archive(long id, string type, string repo, long repoId, string actor, DateTimeOffset at, JsonObject payload) => new()
    {
        ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["type"] = type,
        ["actor"] = Actor(actor),
        ["repo"] = new JsonObject { ["id"] = repoId, ["name"] = repo, ["url"] = "https://api.github.com/repos/" + repo },
        ["payload"] = payload,
        ["public"] = true,
        ["created_at"] = GitHubRestFixtures.Iso(at),
    };

    private static JsonObject Issue(int number, string author, DateTimeOffset created, DateTimeOffset updated, string state = "open") => new()
    {
        ["id"] = 900_000 + number,
        ["number"] = number,
        ["title"] = "Issue " + number,
        ["user"] = new JsonObject { ["login"] = author, ["id"] = 5 },
        ["labels"] = new JsonArray(),
        ["state"] = state,
        ["comments"] = 0,
        ["created_at"] = GitHubRestFixtures.Iso(created),
        ["updated_at"] = GitHubRestFixtures.Iso(updated),
        ["closed_at"] = state == "closed" ? GitHubRestFixtures.Iso(updated) : null,
        ["author_association"] = "NONE",
        ["body"] = "text",
    };

    private static async Task<string> WriteHourFileAsync(IEnumerable<JsonObject> records)
    {
        var path = Path.Combine(Path.GetTempPath(), $"realshapes-{Guid.NewGuid():N}.json.gz");
        await using var file = File.Create(path);
        await using var gz = new GZipStream(file, CompressionLevel.Fastest);
        await using var w = new StreamWriter(gz, new UTF8Encoding(false));
        foreach (var r in records) await w.WriteAsync(r.ToJsonString() + "\n");
        return path;
    }

    /// <summary>Imports hour files with the real backfill service; returns the events it published.</summary>
    private static async Task<IReadOnlyList<GitHubEvent>> BackfillAsync(params string[] files)
    {
        var publisher = new RecordingEventPublisher();
        using var http = new HttpClient();
        var service = new BackfillService(new GhArchiveReader(http), publisher, Options.Create(new BackfillOptions()), NullLogger<BackfillService>.Instance);
        var result = await service.ImportAsync(files);
        Assert.Equal(0, result.Errors);
        return publisher.Events;
    }

    private BlobSnapshotStorage Storage() =>
        new(new BlobContainerClient(azurite.Azurite.ConnectionString, "realshapes-" + Guid.NewGuid().ToString("N")[..8]));

    /// <summary>The real aggregation orchestration (snapshot to Azurite, DuckDB jobs) over the store; force recomputes all.</summary>
    private async Task AggregateAsync(IDocumentStore store, ISnapshotStorage storage, bool force = false)
    {
        var root = Path.Combine(Path.GetTempPath(), "realshapes-cache-" + Guid.NewGuid().ToString("N"));
        using var host = AggregationTestHost.Build(store, storage, azurite.Azurite.ConnectionString, root);
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var id = await host.Services.GetRequiredService<AggregateTrendsStarter>().StartAsync(client, new AggregateTrendsRequest { Force = force }, "test");
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var state = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
            Assert.True(state.RuntimeStatus == OrchestrationRuntimeStatus.Completed, "aggregation: " + state.FailureDetails?.ErrorMessage);
        }
        finally
        {
            await host.StopAsync();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static long Long(JsonObject d, string field) => d[field]!.GetValue<long>();

    // ---- language attribution -----------------------------------------------------------------------------------------

    [Fact]
    public async Task A_language_known_only_from_one_pull_request_counts_for_every_event_of_the_repository_and_the_poller_fills_the_rest()
    {
        using var store = await postgres.CreateStoreAsync("realshapes_lang");
        await StoreSchema.EnsureAsync(store);
        var storage = Storage();
        var hour = new DateTimeOffset(2025, 3, 12, 15, 0, 0, TimeSpan.Zero);
        const string rocket = "Acme/Rocket";
        const string plain = "acme/plain";
        var records = new List<JsonObject>
        {
            Archive(1001, "IssuesEvent", rocket, 77, "alice", hour.AddMinutes(1), new JsonObject { ["action"] = "opened", ["issue"] = Issue(1, "alice", hour.AddMinutes(1), hour.AddMinutes(1)) }),
            Archive(1002, "WatchEvent", rocket, 77, "bob", hour.AddMinutes(2), new JsonObject { ["action"] = "started" }),
            Archive(1003, "WatchEvent", rocket, 77, "carol", hour.AddMinutes(3), new JsonObject { ["action"] = "started" }),
            Archive(1004, "PushEvent", rocket, 77, "alice", hour.AddMinutes(4), new JsonObject
            {
                ["repository_id"] = 77, ["push_id"] = 555, ["size"] = 1, ["distinct_size"] = 1, ["ref"] = "refs/heads/main",
                ["head"] = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", ["before"] = "0000000000000000000000000000000000000001",
                ["commits"] = new JsonArray(new JsonObject { ["sha"] = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", ["message"] = "fix", ["distinct"] = true }),
            }),
            Archive(1005, "IssueCommentEvent", rocket, 77, "dave", hour.AddMinutes(30), new JsonObject
            {
                ["action"] = "created",
                ["issue"] = Issue(1, "alice", hour.AddMinutes(1), hour.AddMinutes(30)),
                ["comment"] = new JsonObject { ["id"] = 4242, ["user"] = new JsonObject { ["login"] = "dave" }, ["body"] = "looking", ["created_at"] = GitHubRestFixtures.Iso(hour.AddMinutes(30)) },
            }),
            // The one record naming the language: the pull request's base repo.
            Archive(1006, "PullRequestEvent", rocket, 77, "erin", hour.AddMinutes(40), new JsonObject
            {
                ["action"] = "opened",
                ["number"] = 2,
                ["pull_request"] = new JsonObject
                {
                    ["id"] = 3002, ["number"] = 2, ["state"] = "open", ["title"] = "Add thrust", ["user"] = new JsonObject { ["login"] = "erin" },
                    ["created_at"] = GitHubRestFixtures.Iso(hour.AddMinutes(40)), ["updated_at"] = GitHubRestFixtures.Iso(hour.AddMinutes(40)),
                    ["merged"] = false, ["merged_at"] = null, ["closed_at"] = null,
                    ["head"] = new JsonObject { ["ref"] = "thrust", ["sha"] = "b2" },
                    ["base"] = new JsonObject
                    {
                        ["ref"] = "main", ["sha"] = "c3",
                        ["repo"] = new JsonObject { ["id"] = 77, ["name"] = "Rocket", ["full_name"] = rocket, ["language"] = "Zig", ["stargazers_count"] = 12 },
                    },
                },
            }),
            Archive(1007, "WatchEvent", plain, 78, "frank", hour.AddMinutes(5), new JsonObject { ["action"] = "started" }),
            Archive(1008, "IssuesEvent", plain, 78, "grace", hour.AddMinutes(6), new JsonObject { ["action"] = "opened", ["issue"] = Issue(1, "grace", hour.AddMinutes(6), hour.AddMinutes(6)) }),
        };
        Assert.All(records, r => Assert.Null(r["payload"]!["repository"]));
        var file = await WriteHourFileAsync(records);
        try
        {
            var sink = new EventSink(store);
            await sink.WriteAsync(await BackfillAsync(file));
            await AggregateAsync(store, storage);

            var month = "2025-03-01";
            var languages = (await store.FindAsync(AnalyticsCollections.Languages, DocumentQuery.All))
                .Where(d => d["month_start"]!.GetValue<string>() == month).ToDictionary(d => d["language"]!.GetValue<string>());
            Assert.Equal(6, Long(languages["Zig"], "events"));
            Assert.Equal(2, Long(languages["Zig"], "stars"));
            Assert.Equal(2, Long(languages["unknown"], "events"));
            var weekly = await store.FindAsync(AnalyticsCollections.RepoWeekly, DocumentQuery.All);
            Assert.Equal("Zig", weekly.Single(d => d["repo"]!.GetValue<string>() == rocket)["language"]!.GetValue<string>());
            Assert.Equal("unknown", weekly.Single(d => d["repo"]!.GetValue<string>() == plain)["language"]!.GetValue<string>());
            var firstResponse = (await store.FindAsync(AnalyticsCollections.FirstResponse, DocumentQuery.All)).Single(d => d["scope"]!.GetValue<string>() == "all");
            Assert.Equal(29.0 / 60, firstResponse["p50_hours"]!.GetValue<double>(), 6);

            // The poller (with a token) asks the REST API for the repository no event names a language for.
            await using var github = await GitHubReplayServer.StartAsync();
            github.Repo(plain).Metadata = new JsonObject
            {
                ["id"] = 78,
                ["name"] = "plain",
                ["full_name"] = plain,
                ["language"] = "Go",
                ["stargazers_count"] = 1,
                ["owner"] = new JsonObject { ["login"] = "acme" },
                ["updated_at"] = "2025-03-12T16:00:00Z",
            };
            var pollerOptions = new PollerOptions
            {
                Repositories = [],
                ApiBaseUrl = github.BaseUrl.AbsoluteUri,
                GitHubToken = "ghp_test_token",
                MinRemainingQuota = 0,
                RetryBaseDelay = TimeSpan.FromMilliseconds(5),
                MaxRetries = 2,
                LanguageLookupsPerRun = 5,
            };
            var published = new RecordingEventPublisher();
            var state = new DocumentPollerStateStore(store);
            GitHubPoller Poller() => new(new GitHubRestClient(Options.Create(pollerOptions), NullLogger<GitHubRestClient>.Instance), published, state,
                Options.Create(pollerOptions), NullLogger<GitHubPoller>.Instance, gaps: new DocumentRepositoryLanguageGaps(store));
            await Poller().PollAllAsync();
            var metadata = Assert.Single(published.Events);
            Assert.Equal(Pipeline.Domain.Normalization.GitHubEventTypes.RepositoryMetadata, metadata.Type);
            Assert.Equal("/repos/acme/plain", Assert.Single(github.Requests).Path);
            await sink.WriteAsync(published.Events);
            Assert.Equal("Go", (await store.GetAsync(Collections.Repositories, "acme/plain"))!["language"]!.GetValue<string>());
            Assert.Equal("Zig", (await store.GetAsync(Collections.Repositories, "acme/rocket"))!["language"]!.GetValue<string>());

            // Known now: not asked again; and once the interval passed, asked conditionally (a 304 publishes nothing).
            await Poller().PollAllAsync();
            Assert.Single(github.Requests);
            await store.UpsertManyAsync(Collections.Repositories, [new("acme/plain", new JsonObject { ["full_name"] = plain, ["language"] = null })]);
            pollerOptions.LanguageLookupInterval = TimeSpan.Zero;
            await Poller().PollAllAsync();
            Assert.Equal(2, github.Requests.Count);
            Assert.NotNull(github.Requests[1].IfNoneMatch);
            Assert.Single(published.Events);

            // A forced run attributes the repository's events to the language the REST API named; nothing is dropped.
            await store.UpsertManyAsync(Collections.Repositories, [new("acme/plain", new JsonObject { ["full_name"] = plain, ["language"] = "Go" })]);
            await AggregateAsync(store, storage, force: true);
            languages = (await store.FindAsync(AnalyticsCollections.Languages, DocumentQuery.All))
                .Where(d => d["month_start"]!.GetValue<string>() == month).ToDictionary(d => d["language"]!.GetValue<string>());
            Assert.Equal(2, Long(languages["Go"], "events"));
            Assert.False(languages.ContainsKey("unknown"));
            Assert.Equal(8, languages.Values.Sum(d => Long(d, "events")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    // ---- one activity, one count -------------------------------------------------------------------------------------

    private sealed class WebhookHost : IAsyncDisposable
    {
        public required WebApplication App { get; init; }
        public required HttpClient Http { get; init; }

        /// <summary>The production path: durable acceptance into an inbox on Azurite, relayed to the publisher.</summary>
        public static async Task<WebhookHost> StartAsync(string storageConnectionString)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GitHub:WebhookSecrets:0"] = Secret,
                ["GitHub:StorageConnectionString"] = storageConnectionString,
                ["GitHub:InboxContainer"] = "realshapes-inbox-" + Guid.NewGuid().ToString("N")[..8],
            });
            var published = new RecordingEventPublisher();
            builder.Services.AddSingleton<IEventPublisher>(published);
            builder.Services.AddPipelineWebhooks(builder.Configuration);
            var app = builder.Build();
            app.MapWebhookEndpoints();
            await app.StartAsync();
            var host = new WebhookHost { App = app, Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) } };
            host._published = published;
            return host;
        }

        private RecordingEventPublisher _published = null!;

        public IReadOnlyList<GitHubEvent> Events => _published.Events;

        public async Task DeliverAsync(string eventType, byte[] body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-GitHub-Event", eventType);
            request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
            request.Headers.Add("User-Agent", "GitHub-Hookshot/044aadd");
            request.Headers.Add("X-Hub-Signature-256", WebhookSignatureVerifier.Sign(body, Secret));
            using var response = await Http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{eventType} delivery answered {(int)response.StatusCode}");
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private static JsonObject Example(string eventType, string action) =>
        JsonNode.Parse(WebhookExamples.Of(eventType).First(e => e.Action == action).Body)!.AsObject();

    [Fact]
    public async Task The_same_issue_star_and_pull_request_from_a_webhook_gh_archive_and_the_poller_count_once()
    {
        using var store = await postgres.CreateStoreAsync("realshapes_dedupe");
        await StoreSchema.EnsureAsync(store);
        var storage = Storage();

        // Webhook payloads from @octokit/webhooks-examples; the issue and PR as they are, the star re-timed to now (a
        // watch delivery carries no time: its event time is when it arrived).
        var issueHook = Example("issues", "opened");
        var prHook = Example("pull_request", "opened");
        var starAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        var starHook = Example("star", "created");
        starHook["starred_at"] = GitHubRestFixtures.Iso(starAt);
        var watchHook = Example("watch", "started");
        watchHook["repository"] = starHook["repository"]!.DeepClone();
        watchHook["sender"] = starHook["sender"]!.DeepClone();
        var repo = issueHook["repository"]!["full_name"]!.GetValue<string>();
        var starRepo = starHook["repository"]!["full_name"]!.GetValue<string>();
        var prRepo = prHook["repository"]!["full_name"]!.GetValue<string>();
        var issue = issueHook["issue"]!.AsObject();
        var issueAuthor = issue["user"]!["login"]!.GetValue<string>();
        var starrer = starHook["sender"]!["login"]!.GetValue<string>();

        await using var webhooks = await WebhookHost.StartAsync(azurite.Azurite.ConnectionString);
        await webhooks.DeliverAsync("issues", Encoding.UTF8.GetBytes(issueHook.ToJsonString()));
        await webhooks.DeliverAsync("pull_request", Encoding.UTF8.GetBytes(prHook.ToJsonString()));
        await webhooks.DeliverAsync("star", Encoding.UTF8.GetBytes(starHook.ToJsonString()));
        await webhooks.DeliverAsync("watch", Encoding.UTF8.GetBytes(watchHook.ToJsonString()));
        // Accepted into the inbox; the relay publishes afterwards.
        await Kafka.Wait.UntilAsync(() => webhooks.Events.Count >= 4, "the relay publishes the four accepted deliveries", 60);
        Assert.Equal(4, webhooks.Events.Count);

        // The same activities as GH Archive records (repository names in another casing: GitHub's are case-insensitive).
        var issueAt = DateTimeOffset.Parse(issue["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var pr = (JsonObject)prHook["pull_request"]!.DeepClone();
        var prAt = DateTimeOffset.Parse(pr["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var file = await WriteHourFileAsync(
        [
            Archive(2001, "IssuesEvent", repo.ToLowerInvariant(), 1, issueAuthor, issueAt, new JsonObject { ["action"] = "opened", ["issue"] = issue.DeepClone() }),
            Archive(2002, "PullRequestEvent", prRepo.ToUpperInvariant(), 1, pr["user"]!["login"]!.GetValue<string>(), prAt,
                new JsonObject { ["action"] = "opened", ["number"] = pr["number"]!.DeepClone(), ["pull_request"] = pr }),
            Archive(2003, "WatchEvent", starRepo.ToLowerInvariant(), 1, starrer, starAt, new JsonObject { ["action"] = "started" }),
        ]);
        try
        {
            var archived = await BackfillAsync(file);
            Assert.Equal(3, archived.Count);

            // And as the poller sees them on the REST API (replay server): the issue and the stargazer.
            await using var github = await GitHubReplayServer.StartAsync();
            var rest = github.Repo(repo);
            var restIssue = (JsonObject)issue.DeepClone();
            restIssue["updated_at"] = restIssue["created_at"]!.DeepClone();
            rest.Issues.Add(restIssue);
            github.Repo(starRepo).Stargazers.Add(GitHubRestFixtures.Stargazer(starrer, 21031067, starAt));
            var options = new PollerOptions
            {
                Repositories = [repo, starRepo],
                ApiBaseUrl = github.BaseUrl.AbsoluteUri,
                GitHubToken = "ghp_test_token",
                MinRemainingQuota = 0,
                RetryBaseDelay = TimeSpan.FromMilliseconds(5),
                MaxRetries = 2,
                Resources = [PollResources.Issues, PollResources.Stargazers],
                LanguageLookupsPerRun = 0,
            };
            var polled = new RecordingEventPublisher();
            await new GitHubPoller(new GitHubRestClient(Options.Create(options), NullLogger<GitHubRestClient>.Instance), polled, new InMemoryPollerStateStore(),
                Options.Create(options), NullLogger<GitHubPoller>.Instance).PollAllAsync();
            Assert.Contains(polled.Events, e => e.Type == "issues" && e.Action == "opened");
            Assert.Contains(polled.Events, e => e.Type == "star");

            var all = webhooks.Events.Concat(archived).Concat(polled.Events).ToList();
            var sink = new EventSink(store);
            Assert.Equal(all.Count, await sink.WriteAsync(all));
            // Stored once per source, one activity key per GitHub activity.
            var issueKeys = all.Where(e => e.Type == "issues").Select(e => e.ActivityKey).Distinct().ToList();
            Assert.Single(issueKeys);
            Assert.Equal(3, all.Count(e => e.Type == "issues"));
            // Projections fold the activity once: one issue document, one history entry for "opened".
            var issueDoc = (await store.GetAsync(Collections.Issues, $"{repo.ToLowerInvariant()}#{issue["number"]}"))!;
            Assert.Single(issueDoc["history"]!.AsArray());
            Assert.Equal(1, await store.CountAsync(Collections.Stars));
            Assert.Single(await store.FindAsync(Collections.Repositories, DocumentQuery.Where(new FieldFilter("_id", FilterOp.Eq, JsonValue.Create(repo.ToLowerInvariant())))));

            await AggregateAsync(store, storage);
            var weeks = await store.FindAsync(AnalyticsCollections.ActivityWeekly, DocumentQuery.All);
            string WeekOf(DateTimeOffset t) => Pipeline.Analytics.Planning.Periods.Format(Pipeline.Analytics.Planning.Periods.WeekStart(DateOnly.FromDateTime(t.UtcDateTime)));
            var issueWeek = weeks.Single(d => d["week_start"]!.GetValue<string>() == WeekOf(issueAt));
            Assert.Equal(1, Long(issueWeek, "issues_opened"));
            var prWeek = weeks.Single(d => d["week_start"]!.GetValue<string>() == WeekOf(prAt));
            Assert.Equal(1, Long(prWeek, "prs_opened"));
            var starWeek = weeks.Single(d => d["week_start"]!.GetValue<string>() == WeekOf(starAt));
            Assert.Equal(1, Long(starWeek, "stars"));
            Assert.Equal(weeks.Sum(d => Long(d, "events")), all.Select(e => e.ActivityKey).Distinct().Count());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
