// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Globalization;
using System.Text.RegularExpressions;
using Octokit;
using Pipeline.Audit.Model;

namespace Pipeline.Audit.Analysis;

/// <summary>
/// GitHub Actions runs per month and their success rate, from the REST API through Octokit (base URL configurable, so tests
/// replay recorded responses from a local server). When the API cannot be reached the report falls back to the number of
/// commits that changed workflow files per month, and says why.
/// </summary>
internal sealed partial class GitHubActionsRuns(AuditOptions options)
{
    [GeneratedRegex(@"github\.com[:/](?<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?<name>[A-Za-z0-9._-]{1,100}?)(\.git)?/?$")]
    private static partial Regex GitHubRemoteRegex();

    /// <summary>"owner/name" from a github.com remote URL (https or ssh), or null.</summary>
    public static string? RepositoryFromRemote(string? url)
    {
        if (url is null) return null;
        var m = GitHubRemoteRegex().Match(url.Trim());
        return m.Success ? $"{m.Groups["owner"].Value}/{m.Groups["name"].Value}" : null;
    }

    public async Task<CiRunsReport> GetAsync(string? repository, DateOnly? since, IReadOnlyDictionary<string, int> workflowChangesByMonth, CancellationToken ct)
    {
        if (!options.UseGitHubApi) return Fallback(workflowChangesByMonth, "the GitHub API is disabled (Audit:UseGitHubApi=false)");
        if (repository is null) return Fallback(workflowChangesByMonth, "the repository has no GitHub remote, so there are no Actions runs to ask for");
        var parts = repository.Split('/');
        try
        {
            var client = new GitHubClient(new ProductHeaderValue("pipeline-audit"), new Uri(options.GitHubApiBaseUrl));
            if (!string.IsNullOrEmpty(options.GitHubToken)) client.Credentials = new Credentials(options.GitHubToken);
            client.SetRequestTimeout(TimeSpan.FromSeconds(options.GitHubTimeoutSeconds));
            var request = new WorkflowRunsRequest();
            if (since is { } s) request.Created = ">=" + s.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var runs = new List<WorkflowRun>();
            for (var page = 1; page <= options.MaxRunPages; page++)
            {
                ct.ThrowIfCancellationRequested();
                var response = await client.Actions.Workflows.Runs.List(parts[0], parts[1], request, new ApiOptions { PageSize = 100, PageCount = 1, StartPage = page }).WaitAsync(ct);
                runs.AddRange(response.WorkflowRuns);
                if (response.WorkflowRuns.Count < 100 || runs.Count >= response.TotalCount) break;
            }
            return FromRuns(runs);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or TaskCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            return Fallback(workflowChangesByMonth, $"the GitHub API at {options.GitHubApiBaseUrl} could not be used ({e.GetType().Name}: {FirstLine(e.Message)})");
        }
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    public static CiRunsReport FromRuns(IReadOnlyList<WorkflowRun> runs)
    {
        var months = runs
            .GroupBy(r => r.CreatedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var (ok, failed, cancelled) = Count(g);
                return new CiMonth { Month = g.Key, Runs = g.Count(), Succeeded = ok, Failed = failed, Cancelled = cancelled, SuccessRate = Rate(ok, failed) };
            })
            .ToList();
        var (okAll, failedAll, _) = Count(runs);
        return new CiRunsReport { Source = "github-api", Months = months, TotalRuns = runs.Count, SuccessRate = Rate(okAll, failedAll) };
    }

    private static (int Ok, int Failed, int Cancelled) Count(IEnumerable<WorkflowRun> runs)
    {
        int ok = 0, failed = 0, cancelled = 0;
        foreach (var r in runs)
        {
            switch (r.Conclusion?.StringValue)
            {
                case "success": ok++; break;
                case "failure" or "timed_out" or "startup_failure": failed++; break;
                case "cancelled": cancelled++; break;
            }
        }
        return (ok, failed, cancelled);
    }

    private static double? Rate(int ok, int failed) => ok + failed == 0 ? null : Math.Round((double)ok / (ok + failed), 4);

    public static CiRunsReport Fallback(IReadOnlyDictionary<string, int> workflowChangesByMonth, string reason) => new()
    {
        Source = "workflow-file-changes",
        Note = $"Actions runs unavailable: {reason}. Months count commits that changed .github/workflows/ instead.",
        Months = workflowChangesByMonth.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new CiMonth { Month = m.Key, Runs = m.Value }).ToList(),
        TotalRuns = workflowChangesByMonth.Values.Sum(),
    };
}
