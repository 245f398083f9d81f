// pipeline-audit:ignore — tests of the audit itself.
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Audit;
using Pipeline.Audit.Analysis;
using Pipeline.Audit.Model;

namespace Pipeline.UnitTests.Audit;

/// <summary>
/// A local GitHub REST server (Kestrel on 127.0.0.1) replaying recorded "list workflow runs" responses: two pages of 100 and
/// 30 runs with Link, ETag and rate-limit headers, as api.github.com sends them.
/// </summary>
public sealed class GitHubReplayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public List<string> Requests { get; } = [];
    public int FailWithStatus { get; set; }
    public string BaseUrl { get; }

    private GitHubReplayServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<GitHubReplayServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        GitHubReplayServer? server = null;
        // Octokit addresses a non-github.com host as GitHub Enterprise: /api/v3/...
        app.MapGet("/api/v3/repos/{owner}/{repo}/actions/runs", (HttpContext ctx, string owner, string repo) =>
        {
            server!.Requests.Add(ctx.Request.Path + ctx.Request.QueryString);
            if (server.FailWithStatus != 0) return Results.Json(new { message = "Server Error" }, statusCode: server.FailWithStatus);
            var page = int.Parse(ctx.Request.Query["page"].FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
            var self = $"{server.BaseUrl}api/v3/repos/{owner}/{repo}/actions/runs?per_page=100";
            ctx.Response.Headers["Link"] = page == 1
                ? $"<{self}&page=2>; rel=\"next\", <{self}&page=2>; rel=\"last\""
                : $"<{self}&page=1>; rel=\"prev\", <{self}&page=1>; rel=\"first\"";
            ctx.Response.Headers["ETag"] = $"W/\"runs-page-{page}\"";
            ctx.Response.Headers["X-RateLimit-Limit"] = "60";
            ctx.Response.Headers["X-RateLimit-Remaining"] = (60 - server.Requests.Count).ToString(CultureInfo.InvariantCulture);
            ctx.Response.Headers["X-RateLimit-Reset"] = "1893456000";
            return Results.Text(RecordedPage(owner, repo, page), "application/json; charset=utf-8");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new GitHubReplayServer(app, address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>130 runs, one every 16 hours from 2024-01-01: every 10th failed, every 25th (offset 1) cancelled, the rest succeeded.</summary>
    public static string RecordedPage(string owner, string repo, int page)
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var runs = new JsonArray();
        var from = (page - 1) * 100;
        for (var k = from; k < Math.Min(130, from + 100); k++)
        {
            var created = start.AddHours(16 * k);
            var conclusion = k % 10 == 0 ? "failure" : k % 25 == 1 ? "cancelled" : "success";
            runs.Add(new JsonObject
            {
                ["id"] = 7_000_000_000L + k,
                ["name"] = "CI",
                ["node_id"] = $"WFR_kwLOA{k}",
                ["head_branch"] = "main",
                ["head_sha"] = (k * 7919).ToString("x40", CultureInfo.InvariantCulture),
                ["path"] = ".github/workflows/ci.yml",
                ["display_title"] = $"Change {k}",
                ["run_number"] = k + 1,
                ["event"] = "push",
                ["status"] = "completed",
                ["conclusion"] = conclusion,
                ["workflow_id"] = 81234567,
                ["check_suite_id"] = 19000000000L + k,
                ["url"] = $"https://api.github.com/repos/{owner}/{repo}/actions/runs/{7_000_000_000L + k}",
                ["html_url"] = $"https://github.com/{owner}/{repo}/actions/runs/{7_000_000_000L + k}",
                ["created_at"] = created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["updated_at"] = created.AddMinutes(4).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["run_attempt"] = 1,
                ["run_started_at"] = created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["jobs_url"] = $"https://api.github.com/repos/{owner}/{repo}/actions/runs/{7_000_000_000L + k}/jobs",
                ["logs_url"] = $"https://api.github.com/repos/{owner}/{repo}/actions/runs/{7_000_000_000L + k}/logs",
                ["workflow_url"] = $"https://api.github.com/repos/{owner}/{repo}/actions/workflows/81234567",
                ["pull_requests"] = new JsonArray(),
            });
        }
        return new JsonObject { ["total_count"] = 130, ["workflow_runs"] = runs }.ToJsonString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class GitHubActionsRunsTests
{
    [Theory]
    [InlineData("https://github.com/acme/widgets.git", "acme/widgets")]
    [InlineData("https://github.com/acme/widgets", "acme/widgets")]
    [InlineData("git@github.com:acme/ml.pipeline.git", "acme/ml.pipeline")]
    [InlineData("ssh://git@github.com/acme/widgets.git", "acme/widgets")]
    [InlineData("https://gitlab.com/acme/widgets.git", null)]
    [InlineData(null, null)]
    public void Reads_owner_and_name_from_the_origin_remote(string? url, string? expected) =>
        Assert.Equal(expected, GitHubActionsRuns.RepositoryFromRemote(url));

    [Fact]
    public async Task Counts_runs_per_month_with_success_rate_across_pages()
    {
        await using var server = await GitHubReplayServer.StartAsync();
        using var dir = new TempDir();
        var path = AuditFixtures.Analytics(dir, origin: "https://github.com/acme/widgets.git");
        var r = await new AuditService(new AuditOptions { WorkDir = dir.Sub("work"), GitHubApiBaseUrl = server.BaseUrl, GitHubToken = "test-token" })
            .AuditAsync(new AuditRequest { Path = path });

        Assert.Equal("acme/widgets", r.Repository.GitHubRepository);
        var ci = r.CiRunsByMonth;
        Assert.Equal("github-api", ci.Source);
        Assert.Null(ci.Note);
        Assert.Equal(
            [("2024-01", 47, 40, 5, 2, 0.8889), ("2024-02", 43, 37, 4, 2, 0.9024), ("2024-03", 40, 34, 4, 2, 0.8947)],
            ci.Months.Select(m => (m.Month, m.Runs, m.Succeeded!.Value, m.Failed!.Value, m.Cancelled!.Value, m.SuccessRate!.Value)));
        Assert.Equal(130, ci.TotalRuns);
        Assert.Equal(0.8952, ci.SuccessRate);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, q => Assert.Contains("per_page=100", q));
        Assert.Contains("page=2", server.Requests[1]);
        Assert.StartsWith("/api/v3/repos/acme/widgets/actions/runs", server.Requests[0]);
    }

    [Fact]
    public async Task Since_is_passed_to_the_api_as_a_created_filter()
    {
        await using var server = await GitHubReplayServer.StartAsync();
        var runs = new GitHubActionsRuns(new AuditOptions { GitHubApiBaseUrl = server.BaseUrl });
        var report = await runs.GetAsync("acme/widgets", new DateOnly(2024, 2, 1), new Dictionary<string, int>(), CancellationToken.None);
        Assert.Equal("github-api", report.Source);
        Assert.Contains("created=%3E%3D2024-02-01", server.Requests[0]);
    }

    [Fact]
    public async Task An_api_error_falls_back_to_workflow_file_changes_and_says_why()
    {
        await using var server = await GitHubReplayServer.StartAsync();
        server.FailWithStatus = 500;
        var runs = new GitHubActionsRuns(new AuditOptions { GitHubApiBaseUrl = server.BaseUrl });
        var report = await runs.GetAsync("acme/widgets", null, new Dictionary<string, int> { ["2024-02"] = 3 }, CancellationToken.None);
        Assert.Equal("workflow-file-changes", report.Source);
        Assert.Contains($"the GitHub API at {server.BaseUrl} could not be used", report.Note);
        Assert.Equal([("2024-02", 3)], report.Months.Select(m => (m.Month, m.Runs)));
    }

    [Fact]
    public async Task An_unreachable_api_falls_back_quickly()
    {
        var port = Pipeline.Embedded.PortFinder.FreeTcpPort();
        var runs = new GitHubActionsRuns(new AuditOptions { GitHubApiBaseUrl = $"http://127.0.0.1:{port}/", GitHubTimeoutSeconds = 5 });
        var report = await runs.GetAsync("acme/widgets", null, new Dictionary<string, int>(), CancellationToken.None);
        Assert.Equal("workflow-file-changes", report.Source);
        Assert.Contains("could not be used", report.Note);
    }

    [Fact]
    public async Task The_api_can_be_switched_off()
    {
        var report = await new GitHubActionsRuns(new AuditOptions { UseGitHubApi = false })
            .GetAsync("acme/widgets", null, new Dictionary<string, int>(), CancellationToken.None);
        Assert.Equal("workflow-file-changes", report.Source);
        Assert.Contains("Audit:UseGitHubApi=false", report.Note);
    }
}
