using System.Net;
using Pipeline.Domain;
using Pipeline.Ingestion.Polling;
using Pipeline.Testing.GitHub;

namespace Pipeline.IntegrationTests.Polling;

public sealed class GitHubPollerTests : IAsyncLifetime
{
    private GitHubReplayServer _server = null!;

    public async Task InitializeAsync() => _server = await GitHubReplayServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task First_run_follows_pagination_and_publishes_every_resource_once()
    {
        PollerTestKit.Seed(_server);
        var publisher = new RecordingEventPublisher();
        var poller = PollerTestKit.Poller(PollerTestKit.Options(_server), new InMemoryPollerStateStore(), publisher);

        var run = await poller.PollAllAsync();

        Assert.All(run.Results, r => Assert.Null(r.Error));
        var events = publisher.Events;
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(250, events.Count(e => e.Type is "issues" or "pull_request"));
        Assert.Equal(250 / 4, events.Count(e => e.Type == "pull_request"));
        Assert.Equal(120, events.Count(e => e.Type == "star"));
        Assert.Equal(3, events.Count(e => e.Type == "release"));
        Assert.Equal(5, events.Count(e => e.Type == "workflow_run"));
        Assert.All(events, e => Assert.Equal((PollerTestKit.Repo, EventSources.Poller), (e.Repo, e.Source)));

        var requests = _server.Requests;
        var issuePages = requests.Where(r => r.Path.EndsWith("/issues")).ToList();
        Assert.Equal(3, issuePages.Count);
        Assert.Contains("page=2", issuePages[1].Query);
        Assert.Contains("page=3", issuePages[2].Query);
        Assert.All(issuePages, r => Assert.Contains("state=all", r.Query));
        Assert.All(issuePages, r => Assert.Contains("sort=updated", r.Query));
        Assert.All(issuePages, r => Assert.Contains("direction=asc", r.Query));
        var starPages = requests.Where(r => r.Path.EndsWith("/stargazers")).ToList();
        Assert.Equal(2, starPages.Count);
        Assert.All(starPages, r => Assert.Contains("application/vnd.github.star+json", r.Accept));
        Assert.All(requests, r => Assert.Equal("token ghp_test_token", r.Authorization, ignoreCase: true));
        Assert.All(requests, r => Assert.Null(r.IfNoneMatch));
        Assert.Equal(requests.Count, run.Requests);
    }

    [Fact]
    public async Task Unchanged_resources_are_asked_with_if_none_match_answer_304_cost_no_quota_and_publish_nothing()
    {
        PollerTestKit.Seed(_server);
        var state = new InMemoryPollerStateStore();
        var publisher = new RecordingEventPublisher();
        var options = PollerTestKit.Options(_server);
        await PollerTestKit.Poller(options, state, publisher).PollAllAsync();
        var published = publisher.Events.Count;
        // After a multi-page catch-up the issues query moves to the new `since` once (one 200, nothing new to publish).
        var settle = await PollerTestKit.Poller(options, state, publisher).PollAllAsync();
        Assert.Equal(0, settle.Published);
        var quota = _server.RateRemaining;
        _server.ClearRequests();

        var run = await PollerTestKit.Poller(options, state, publisher).PollAllAsync();

        Assert.Equal(published, publisher.Events.Count);
        Assert.Equal(0, run.Published);
        var requests = _server.Requests;
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.NotNull(r.IfNoneMatch));
        Assert.All(requests, r => Assert.Equal(304, r.Status));
        Assert.Equal(quota, _server.RateRemaining);
        Assert.All(run.Results, r => Assert.Equal(1, r.NotModified));
    }

    [Fact]
    public async Task Single_page_resources_are_conditional_from_the_second_run()
    {
        PollerTestKit.Seed(_server, issues: 60, stars: 40, releases: 2, runs: 3);
        var state = new InMemoryPollerStateStore();
        var options = PollerTestKit.Options(_server);
        await PollerTestKit.Poller(options, state, new RecordingEventPublisher()).PollAllAsync();
        _server.ClearRequests();

        var run = await PollerTestKit.Poller(options, state, new RecordingEventPublisher()).PollAllAsync();

        Assert.Equal(0, run.Published);
        Assert.Equal([304, 304, 304, 304], _server.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task After_a_restart_only_what_changed_is_published_nothing_again_nothing_skipped()
    {
        var repo = PollerTestKit.Seed(_server);
        var state = new InMemoryPollerStateStore();
        var options = PollerTestKit.Options(_server);
        var first = new RecordingEventPublisher();
        await PollerTestKit.Poller(options, state, first).PollAllAsync();

        // Changes while the poller is down: an issue edited, a new issue at the same second, new stars, a new release,
        // a workflow run that went from queued to completed, and a new run.
        var later = T0.AddDays(30);
        repo.Issues[10] = GitHubRestFixtures.Issue(PollerTestKit.Repo, 11, T0.AddMinutes(11), later, "author11");
        repo.Issues.Add(GitHubRestFixtures.Issue(PollerTestKit.Repo, 251, later, later, "newcomer"));
        repo.Stargazers.Add(GitHubRestFixtures.Stargazer("late-star-1", 99_001, later));
        repo.Stargazers.Add(GitHubRestFixtures.Stargazer("late-star-2", 99_002, later.AddMinutes(1)));
        repo.Releases.Add(GitHubRestFixtures.Release(PollerTestKit.Repo, 9100, "v2.0.0", later, later, "releaser"));
        repo.WorkflowRuns[4] = GitHubRestFixtures.WorkflowRun(PollerTestKit.Repo, 70_005, "completed", "failure", T0.AddDays(5), later, "ci-bot");
        repo.WorkflowRuns.Add(GitHubRestFixtures.WorkflowRun(PollerTestKit.Repo, 70_006, "queued", null, later, later, "ci-bot"));

        var second = new RecordingEventPublisher();
        await PollerTestKit.Poller(options, state, second).PollAllAsync();

        Assert.Equal(
            new[]
            {
                "poll:issue:octo-org/hello-world:11:2024-01-31T00:00:00Z",
                "poll:issue:octo-org/hello-world:251:2024-01-31T00:00:00Z",
                "poll:release:9100",
                "poll:star:octo-org/hello-world:late-star-1",
                "poll:star:octo-org/hello-world:late-star-2",
                "poll:workflow_run:70005:2024-01-31T00:00:00Z",
                "poll:workflow_run:70006:2024-01-31T00:00:00Z",
            },
            second.Events.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Empty(first.Events.Select(e => e.Id).Intersect(second.Events.Select(e => e.Id)));

        // A third instance with nothing new publishes nothing.
        var third = new RecordingEventPublisher();
        await PollerTestKit.Poller(options, state, third).PollAllAsync();
        Assert.Empty(third.Events);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_and_the_page_is_published_once()
    {
        PollerTestKit.Seed(_server, issues: 30, stars: 0, releases: 0, runs: 0);
        _server.FailNext(502, times: 2, pathContains: "/issues");
        var publisher = new RecordingEventPublisher();

        var run = await PollerTestKit.Poller(PollerTestKit.Options(_server, o => o.Resources = [PollResources.Issues]), new InMemoryPollerStateStore(), publisher).PollAllAsync();

        Assert.Null(run.Results.Single().Error);
        Assert.Equal(30, publisher.Events.Count);
        Assert.Equal([502, 502, 200], _server.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Persistent_server_errors_leave_the_state_unchanged_and_the_next_run_catches_up()
    {
        PollerTestKit.Seed(_server, issues: 30, stars: 0, releases: 0, runs: 0);
        _server.FailNext(502, times: 4, pathContains: "/issues");
        var state = new InMemoryPollerStateStore();
        var options = PollerTestKit.Options(_server, o => o.Resources = [PollResources.Issues]);
        var publisher = new RecordingEventPublisher();

        var failed = await PollerTestKit.Poller(options, state, publisher).PollAllAsync();
        var recovered = await PollerTestKit.Poller(options, state, publisher).PollAllAsync();

        Assert.Contains("502", failed.Results.Single().Error);
        Assert.Equal(4, failed.Requests > 0 ? _server.Requests.Count(r => r.Status == 502) : -1);
        Assert.Null(recovered.Results.Single().Error);
        Assert.Equal(30, publisher.Events.Count);
    }

    [Fact]
    public async Task Stops_at_the_quota_floor_pauses_until_reset_and_resumes_without_gaps_or_repeats()
    {
        PollerTestKit.Seed(_server, issues: 450, stars: 0, releases: 0, runs: 0);
        _server.RateRemaining = 103;
        _server.RateReset = DateTimeOffset.UtcNow.AddMinutes(30);
        var clock = new ShiftedTimeProvider();
        var state = new InMemoryPollerStateStore();
        var publisher = new RecordingEventPublisher();
        var options = PollerTestKit.Options(_server, o =>
        {
            o.MinRemainingQuota = 100;
            o.Resources = [PollResources.Issues];
        });

        var stopped = await PollerTestKit.Poller(options, state, publisher, clock).PollAllAsync();

        // 103 → 102 → 101 → 100: three pages, then the floor stops it before a fourth request.
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(100, _server.RateRemaining);
        Assert.Equal(300, publisher.Events.Count);
        Assert.Equal(_server.RateReset.ToUnixTimeSeconds(), stopped.PausedUntil!.Value.ToUnixTimeSeconds());

        var paused = await PollerTestKit.Poller(options, state, publisher, clock).PollAllAsync();
        Assert.True(paused.Skipped);
        Assert.Equal(3, _server.Requests.Count);

        // After the reset (the server renews the quota; the poller's clock passes the reset time).
        _server.RateRemaining = 5000;
        clock.Offset = TimeSpan.FromMinutes(31);
        var resumed = await PollerTestKit.Poller(options, state, publisher, clock).PollAllAsync();

        Assert.Null(resumed.PausedUntil);
        Assert.Equal(450, publisher.Events.Count);
        Assert.Equal(450, publisher.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Exhausted_quota_403_pauses_until_the_reset_header()
    {
        PollerTestKit.Seed(_server, issues: 10, stars: 0, releases: 0, runs: 0);
        _server.RateRemaining = 0;
        _server.RateReset = DateTimeOffset.UtcNow.AddMinutes(20);
        var state = new InMemoryPollerStateStore();
        var publisher = new RecordingEventPublisher();

        var run = await PollerTestKit.Poller(PollerTestKit.Options(_server), state, publisher).PollAllAsync();

        Assert.Equal(403, Assert.Single(_server.Requests).Status);
        Assert.Empty(publisher.Events);
        Assert.Equal(_server.RateReset.ToUnixTimeSeconds(), run.PausedUntil!.Value.ToUnixTimeSeconds());
        Assert.Equal(run.PausedUntil, (await state.LoadGlobalAsync()).PausedUntil);
    }

    [Fact]
    public async Task Short_retry_after_is_waited_out_and_long_retry_after_pauses()
    {
        PollerTestKit.Seed(_server, issues: 5, stars: 0, releases: 0, runs: 0);
        var options = PollerTestKit.Options(_server, o => o.Resources = [PollResources.Issues]);
        var publisher = new RecordingEventPublisher();
        _server.FailNext(429, retryAfterSeconds: 0);

        var waited = await PollerTestKit.Poller(options, new InMemoryPollerStateStore(), publisher).PollAllAsync();

        Assert.Null(waited.PausedUntil);
        Assert.Equal([429, 200], _server.Requests.Select(r => r.Status));
        Assert.Equal(5, publisher.Events.Count);

        _server.FailNext(403, retryAfterSeconds: 3600);
        var paused = await PollerTestKit.Poller(options, new InMemoryPollerStateStore(), new RecordingEventPublisher()).PollAllAsync();
        Assert.NotNull(paused.PausedUntil);
        Assert.InRange(paused.PausedUntil!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task State_is_saved_only_after_the_page_is_published()
    {
        PollerTestKit.Seed(_server, issues: 250, stars: 0, releases: 0, runs: 0);
        var state = new InMemoryPollerStateStore();
        var options = PollerTestKit.Options(_server, o => o.Resources = [PollResources.Issues]);
        var publisher = new RecordingEventPublisher();
        var batches = 0;
        publisher.BeforePublish = _ =>
        {
            if (++batches == 2) throw new InvalidOperationException("broker down");
        };

        var failed = await PollerTestKit.Poller(options, state, publisher).PollAllAsync();
        Assert.Contains("broker down", failed.Results.Single().Error);
        Assert.Equal(100, publisher.Events.Count);

        publisher.BeforePublish = null;
        await PollerTestKit.Poller(options, state, publisher).PollAllAsync();

        Assert.Equal(250, publisher.Events.Count);
        Assert.Equal(250, publisher.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Without_a_token_requests_are_unauthenticated()
    {
        PollerTestKit.Seed(_server, issues: 1, stars: 0, releases: 0, runs: 0);
        await PollerTestKit.Poller(PollerTestKit.Options(_server, o => o.GitHubToken = null), new InMemoryPollerStateStore(), new RecordingEventPublisher()).PollAllAsync();
        Assert.All(_server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Unknown_repository_is_reported_and_the_others_are_still_polled()
    {
        PollerTestKit.Seed(_server, issues: 3, stars: 0, releases: 0, runs: 0);
        var publisher = new RecordingEventPublisher();
        var run = await PollerTestKit.Poller(PollerTestKit.Options(_server, o =>
        {
            o.Repositories = ["nobody/missing", PollerTestKit.Repo];
            o.Resources = [PollResources.Issues];
        }), new InMemoryPollerStateStore(), publisher).PollAllAsync();

        Assert.Contains("Not Found", run.Results[0].Error);
        Assert.Null(run.Results[1].Error);
        Assert.Equal(3, publisher.Events.Count);
        Assert.Equal(HttpStatusCode.NotFound, (HttpStatusCode)_server.Requests[0].Status);
    }
}
