using System.Text.Json;
using Microsoft.Playwright;

namespace Pipeline.BrowserTests.Analytics;

/// <summary>The dashboard in real chromium over a seeded, aggregated store.</summary>
public sealed class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private sealed record ChartSummary(string Name, int Series, int Points, double Total);

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(string baseUrl, string query = "")
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1900 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text + " @ " + m.Location); };
        page.PageError += (_, e) => errors.Add("page error: " + e);
        var response = await page.GotoAsync(baseUrl + "/dashboard" + query);
        Assert.Equal(200, response!.Status);
        await WaitForRefreshesAsync(page, 1);
        return (page, errors);
    }

    private static Task WaitForRefreshesAsync(IPage page, int atLeast) =>
        page.WaitForFunctionAsync($"() => Number(document.body.dataset.refreshes || 0) >= {atLeast}", null, new PageWaitForFunctionOptions { Timeout = 60000 });

    /// <summary>Each ECharts instance on the page: its series and how many points with a value they hold.</summary>
    private static async Task<Dictionary<string, ChartSummary>> ChartsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("""
            () => Object.entries(window.pipelineDashboard.charts).map(([name, chart]) => {
              const series = (chart.getOption().series || []);
              let points = 0, total = 0;
              series.forEach(s => (s.data || []).forEach(d => {
                const v = Array.isArray(d) ? d[1] : (d && typeof d === 'object' ? d.value : d);
                if (typeof v === 'number') { points++; total += Math.abs(v); }
              }));
              return { name, series: series.length, points, total };
            })
            """);
        return json.EnumerateArray().Select(e => new ChartSummary(e.GetProperty("name").GetString()!, e.GetProperty("series").GetInt32(),
            e.GetProperty("points").GetInt32(), e.GetProperty("total").GetDouble())).ToDictionary(c => c.Name);
    }

    private async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ArtifactsDirectory, name + ".png"), FullPage = true });

    [Fact]
    public async Task Dashboard_loads_without_console_errors_and_every_chart_has_data()
    {
        var (page, errors) = await OpenAsync(fixture.FullApp.BaseUrl, "?refresh=2&animate=0");
        await ScreenshotAsync(page, "dashboard-all");

        Assert.Empty(errors);
        var charts = await ChartsAsync(page);
        Assert.Equal(["activity", "contributors", "growing", "languages", "languagesYoY", "stars", "timeToClose"], charts.Keys.Order());
        Assert.All(charts.Values, c => Assert.True(c.Series > 0 && c.Points > 0 && c.Total > 0, $"{c.Name}: {c.Series} series, {c.Points} points"));
        // This year and the two before it, overlaid by week.
        Assert.Equal(3, charts["activity"].Series);
        var legend = await page.EvaluateAsync<string[]>("() => window.pipelineDashboard.charts.activity.getOption().series.map(s => s.name)");
        var year = DateTime.UtcNow.Year;
        Assert.Equal([$"{year}", $"{year - 1}", $"{year - 2}"], legend);
        // Ingestion health, job runs and the model panel come from their endpoints.
        Assert.Equal("42.5", (await page.Locator("[data-tile='Events / s'] .value").InnerTextAsync()).Trim());
        Assert.Equal("2", (await page.Locator("[data-tile='DLQ size'] .value").InnerTextAsync()).Trim());
        Assert.Contains("blob: Degraded", await page.Locator("#health-deps").InnerTextAsync());
        Assert.True(await page.Locator("#runs-table tbody tr[data-status='succeeded']").CountAsync() >= 1);
        Assert.True(await page.Locator("#panel-models").IsVisibleAsync());
        Assert.Contains("champion", await page.Locator("#models-body").InnerTextAsync());
        // Live refresh: the page polls again by itself.
        await WaitForRefreshesAsync(page, 2);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Repository_filter_changes_the_data()
    {
        var (page, errors) = await OpenAsync(fixture.FullApp.BaseUrl, "?refresh=0&animate=0");
        var before = await ChartsAsync(page);
        var refreshes = await page.EvaluateAsync<int>("() => window.pipelineDashboard.refreshes");

        await page.SelectOptionAsync("#f-repo", "northwind/ml-toolkit");
        await WaitForRefreshesAsync(page, refreshes + 1);
        var after = await ChartsAsync(page);
        await ScreenshotAsync(page, "dashboard-repo-filter");

        Assert.Empty(errors);
        Assert.True(after["activity"].Total > 0);
        Assert.True(after["activity"].Total < before["activity"].Total, $"{after["activity"].Total} < {before["activity"].Total}");
        var grown = await page.EvaluateAsync<string[]>("() => window.pipelineDashboard.data.growing.items.map(i => i.repo)");
        Assert.Equal(["northwind/ml-toolkit"], grown);

        await page.SelectOptionAsync("#f-repo", "");
        await page.SelectOptionAsync("#f-language", "Rust");
        await WaitForRefreshesAsync(page, refreshes + 3);
        var languages = await page.EvaluateAsync<string[]>("() => window.pipelineDashboard.data.languages.series.map(s => s.name)");
        Assert.All(languages, l => Assert.Equal("Rust", l));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Without_the_optional_endpoints_the_page_degrades_gracefully()
    {
        var (page, errors) = await OpenAsync(fixture.BareApp.BaseUrl, "?refresh=0&animate=0");
        await ScreenshotAsync(page, "dashboard-without-optional-endpoints");

        // The browser itself logs the 404s of the optional endpoints; nothing else may fail.
        Assert.All(errors, e => Assert.Matches(@"Failed to load resource: the server responded with a status of 404.*/api/(models|health|ingestion/status)", e));
        Assert.False(await page.Locator("#panel-models").IsVisibleAsync());
        Assert.Contains("Not available", await page.Locator("#ingestion-note").InnerTextAsync());
        Assert.True((await ChartsAsync(page))["activity"].Total > 0);
        await page.Context.CloseAsync();
    }
}
