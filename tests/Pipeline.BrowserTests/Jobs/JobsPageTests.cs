using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Playwright;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Seed;
using Pipeline.Api.Management;
using Pipeline.Embedded;
using Pipeline.Orchestration.Analytics;
using Pipeline.Testing.Analytics;
using Pipeline.UnitTests.Analytics;

namespace Pipeline.BrowserTests.Jobs;

/// <summary>
/// The jobs page in Debian chromium (Playwright) against the analytics test host (Kestrel, the management routes, the
/// in-memory Durable Task backend): one real aggregation run to its end and one held running (its trends jobs wait on a
/// gate), listed from <c>GET /api/jobs/aggregate</c>; terminate and purge are clicked on the page.
/// </summary>
public sealed class JobsPageTests : BrowserPageTest
{
    private readonly InMemoryDocumentStore _store = new();
    private readonly GatedCatalog _catalog = new(new EmbeddedTrendsJobCatalog());
    private AnalyticsTestApp _app = null!;
    private string _completedId = string.Empty;
    private string _runningId = string.Empty;

    protected override async Task StartServerAsync()
    {
        await SeedDataGenerator.SeedAsync(_store, new SeedOptions { Scale = 0.05, NewRepositoriesPerDay = 0.02 });
        _app = await AnalyticsTestApp.StartAsync(_store, catalog: _catalog);
        _completedId = ManagedOperation.Aggregation.NewInstanceId();
        await _app.Client.ScheduleNewOrchestrationInstanceAsync(nameof(AggregateTrendsOrchestrator), new AggregateTrendsInput { Trigger = "browser test" },
            new StartOrchestrationOptions(_completedId));
        using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
        {
            var done = await _app.Client.WaitForInstanceCompletionAsync(_completedId, cts.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        }
        _catalog.Close();
        _runningId = ManagedOperation.Aggregation.NewInstanceId();
        await _app.Client.ScheduleNewOrchestrationInstanceAsync(nameof(AggregateTrendsOrchestrator), new AggregateTrendsInput { Trigger = "browser test held", Force = true },
            new StartOrchestrationOptions(_runningId));
        // Running, inside its first trends job (held by the gate), with the progress it published.
        Assert.True(await _catalog.WaitForWaiterAsync(TimeSpan.FromMinutes(2)), "the second aggregation never reached a trends job");
    }

    private static ILocator Row(IPage page, string id) => page.Locator($"#jobs-table tbody tr[data-instance-id='{id}']");

    [Fact]
    public async Task Jobs_page_lists_runs_with_progress_and_terminates_and_purges_them()
    {
        var (page, errors) = await NewPageAsync(height: 900);
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        var response = await page.GotoAsync(_app.BaseUrl + "/dashboard/jobs?code=test-key&poll=2");
        Assert.Equal(200, response!.Status);
        await page.WaitForFunctionAsync("() => window.pipelineJobs && window.pipelineJobs.loaded > 0", null, new PageWaitForFunctionOptions { Timeout = 30000 });
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.pipelineJobs.errors"));

        // Both started runs are listed, with their status and the custom status they published.
        Assert.Equal(2, await page.Locator("#jobs-table tbody tr").CountAsync());
        Assert.Equal("Completed", await Row(page, _completedId).GetAttributeAsync("data-status"));
        Assert.Equal("Running", await Row(page, _runningId).GetAttributeAsync("data-status"));
        var total = _catalog.Jobs.Count;
        Assert.Contains($"{total}/{total} (100%)", await Row(page, _completedId).Locator(".job-progress").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains($"0/{total} (0%)", await Row(page, _runningId).Locator(".job-progress").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("code=test-key", await Row(page, _runningId).Locator("a.job-link").GetAttributeAsync("href") ?? "", StringComparison.Ordinal);
        Assert.True(await Row(page, _completedId).Locator("button.job-terminate").IsDisabledAsync());
        Assert.True(await Row(page, _runningId).Locator("button.job-purge").IsDisabledAsync());
        // Every kind's list route was asked, with the function key passed on.
        Assert.Contains(requests, u => u.Contains("/api/backfill?", StringComparison.Ordinal));
        Assert.Contains(requests, u => u.Contains("/api/models/issue-labeler/retrain?", StringComparison.Ordinal));
        Assert.Contains(requests, u => u.Contains("/api/audit?", StringComparison.Ordinal));
        var shots = Path.Combine(RepositoryPaths.TryFindRoot() ?? AppContext.BaseDirectory, "artifacts", "browser");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "jobs-running.png"), FullPage = true });

        // Terminate: the durable instance is terminated and the row follows.
        await Row(page, _runningId).Locator("button.job-terminate").ClickAsync();
        await page.WaitForFunctionAsync($"() => document.querySelector(\"#jobs-table tr[data-instance-id='{_runningId}']\")?.dataset.status === 'Terminated'",
            null, new PageWaitForFunctionOptions { Timeout = 60000, PollingInterval = 250 });
        var state = await _app.Client.GetInstanceAsync(_runningId);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, state!.RuntimeStatus);
        Assert.Contains("terminate " + _runningId + ": HTTP 202", await page.Locator("#jobs-message").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "jobs-terminated.png"), FullPage = true });

        // Purge: the completed run's history is deleted and its row goes.
        await Row(page, _completedId).Locator("button.job-purge").ClickAsync();
        await Row(page, _completedId).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 30000 });
        Assert.Null(await _app.Client.GetInstanceAsync(_completedId));

        // The filters are in the URL: a kind and a status chosen on the page survive a reload.
        await page.SelectOptionAsync("#j-kind", "aggregation");
        await page.SelectOptionAsync("#j-status", "Terminated");
        var url = new Uri(page.Url);
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("aggregation", query["kind"]);
        Assert.Equal("Terminated", query["runtimeStatus"]);
        Assert.Equal("test-key", query["code"]);
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.pipelineJobs && window.pipelineJobs.loaded > 0", null, new PageWaitForFunctionOptions { Timeout = 30000 });
        Assert.Equal("aggregation", await page.Locator("#j-kind").InputValueAsync());
        Assert.Equal(1, await page.Locator("#jobs-table tbody tr").CountAsync());
        Assert.Empty(errors);
    }

    protected override async Task StopServerAsync()
    {
        _catalog.Open();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>The embedded trends jobs, whose lookup (the first step of every trends job) waits while the gate is closed.</summary>
    private sealed class GatedCatalog(ITrendsJobCatalog inner) : ITrendsJobCatalog
    {
        private readonly ManualResetEventSlim _open = new(true);
        private readonly SemaphoreSlim _waiting = new(0);

        public IReadOnlyList<TrendsJob> Jobs => inner.Jobs;

        public TrendsJob Get(string name)
        {
            if (!_open.IsSet)
            {
                _waiting.Release();
                _open.Wait(TimeSpan.FromMinutes(3));
            }
            return inner.Get(name);
        }

        public void Close() => _open.Reset();

        public void Open() => _open.Set();

        public Task<bool> WaitForWaiterAsync(TimeSpan timeout) => _waiting.WaitAsync(timeout);
    }
}
