using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion.Polling;
using Pipeline.Testing.GitHub;

namespace Pipeline.IntegrationTests.Polling;

/// <summary>A clock whose "now" a test can move forward; timers (delays, back-off) stay real.</summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

internal static class PollerTestKit
{
    public const string Repo = "octo-org/hello-world";

    public static PollerOptions Options(GitHubReplayServer server, Action<PollerOptions>? configure = null)
    {
        var o = new PollerOptions
        {
            Repositories = [Repo],
            ApiBaseUrl = server.BaseUrl.AbsoluteUri,
            GitHubToken = "ghp_test_token",
            MinRemainingQuota = 0,
            PerPage = 100,
            MaxPages = 10,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            MaxRetries = 3,
        };
        configure?.Invoke(o);
        return o;
    }

    /// <summary>A fresh poller (as after a process restart) over the given state store.</summary>
    public static GitHubPoller Poller(PollerOptions options, IPollerStateStore state, RecordingEventPublisher publisher, TimeProvider? time = null)
    {
        var client = new GitHubRestClient(Microsoft.Extensions.Options.Options.Create(options), NullLogger<GitHubRestClient>.Instance, time);
        return new GitHubPoller(client, publisher, state, Microsoft.Extensions.Options.Options.Create(options), NullLogger<GitHubPoller>.Instance, time);
    }

    /// <summary>Seeds the replay repository: issues/PRs, stargazers, releases and workflow runs.</summary>
    public static ReplayRepository Seed(GitHubReplayServer server, int issues = 250, int stars = 120, int releases = 3, int runs = 5)
    {
        var repo = server.Repo(Repo);
        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var n = 1; n <= issues; n++)
        {
            // Several items share an updated_at so the inclusive `since` boundary is exercised.
            repo.Issues.Add(GitHubRestFixtures.Issue(Repo, n, t0.AddMinutes(n), t0.AddMinutes(n + n / 3 * 2), $"author{n % 17}", pull: n % 4 == 0, closed: n % 9 == 0));
        }
        for (var s = 1; s <= stars; s++) repo.Stargazers.Add(GitHubRestFixtures.Stargazer($"stargazer{s}", 5000 + s, t0.AddHours(s)));
        for (var r = 1; r <= releases; r++) repo.Releases.Add(GitHubRestFixtures.Release(Repo, 9000 + r, $"v1.{r}.0", t0.AddDays(r), t0.AddDays(r).AddHours(1), "releaser"));
        for (var w = 1; w <= runs; w++) repo.WorkflowRuns.Add(GitHubRestFixtures.WorkflowRun(Repo, 70_000 + w, "completed", "success", t0.AddDays(w), t0.AddDays(w).AddMinutes(4), "ci-bot"));
        return repo;
    }
}
