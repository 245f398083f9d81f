using Pipeline.Domain;
using Pipeline.Ingestion.Polling;
using Pipeline.Storage;
using Pipeline.Testing.GitHub;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Polling;

/// <summary>The poller with its state in a real PostgreSQL (<see cref="DocumentPollerStateStore"/> over PostgresStore).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PollerPostgresStateTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GitHubReplayServer _server = null!;

    public async Task InitializeAsync() => _server = await GitHubReplayServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task State_in_postgres_survives_a_restart_without_repeats_or_gaps()
    {
        var repo = PollerTestKit.Seed(_server, issues: 230, stars: 150, releases: 4, runs: 6);
        await using var store = await postgres.CreateStoreAsync("poller");
        await StoreSchema.EnsureAsync(store);
        var options = PollerTestKit.Options(_server);
        var publisher = new RecordingEventPublisher();

        await PollerTestKit.Poller(options, new DocumentPollerStateStore(store), publisher).PollAllAsync();
        var afterFirst = publisher.Events.Count;
        Assert.Equal(230 + 150 + 4 + 6, afterFirst);
        var doc = await store.GetAsync(Collections.PollerState, DocumentPollerStateStore.Id(PollerTestKit.Repo, PollResources.Issues));
        Assert.NotNull(doc?["state"]?["watermark"]);

        var later = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        repo.Issues.Add(GitHubRestFixtures.Issue(PollerTestKit.Repo, 231, later, later, "someone"));
        repo.Stargazers.Add(GitHubRestFixtures.Stargazer("june-star", 77_777, later));

        // A new process: new client, new poller, state read back from PostgreSQL.
        await PollerTestKit.Poller(options, new DocumentPollerStateStore(store), publisher).PollAllAsync();
        await PollerTestKit.Poller(options, new DocumentPollerStateStore(store), publisher).PollAllAsync();

        Assert.Equal(afterFirst + 2, publisher.Events.Count);
        Assert.Equal(publisher.Events.Count, publisher.Events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(4, await store.CountAsync(Collections.PollerState)); // one document per repository and resource
    }

    [Fact]
    public async Task Pause_is_persisted_for_every_instance()
    {
        await using var store = await postgres.CreateStoreAsync("pause");
        await StoreSchema.EnsureAsync(store);
        var state = new DocumentPollerStateStore(store);
        var until = DateTimeOffset.UtcNow.AddMinutes(15);
        await state.SaveGlobalAsync(new GlobalPollState { PausedUntil = until, PauseReason = "quota" });

        var run = await PollerTestKit.Poller(PollerTestKit.Options(_server), new DocumentPollerStateStore(store), new RecordingEventPublisher()).PollAllAsync();

        Assert.True(run.Skipped);
        Assert.Equal(until.ToUnixTimeMilliseconds(), run.PausedUntil!.Value.ToUnixTimeMilliseconds());
        Assert.Empty(_server.Requests);
    }
}
