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
        Assert.Equal(["activity", "contributors", "cumulativeStars", "firstResponse", "growing", "languages", "languagesYoY", "newContributors", "openedClosed", "stars",
            "timeToClose", "timeToMerge"], charts.Keys.Order());
        Assert.All(charts.Values, c => Assert.True(c.Series > 0 && c.Points > 0 && c.Total > 0, $"{c.Name}: {c.Series} series, {c.Points} points"));
        // This year and the two before it, overlaid by week (this year's week in progress as a dashed tail of its own).
        var legend = await page.EvaluateAsync<string[]>("() => window.pipelineDashboard.charts.activity.getOption().legend[0].data");
        var year = DateTime.UtcNow.Year;
        Assert.Equal([$"{year}", $"{year - 1}", $"{year - 2}"], legend);
        Assert.Equal(3, (await page.EvaluateAsync<string[]>("() => window.pipelineDashboard.charts.activity.getOption().series.map(s => s.name)")).Distinct().Count());
        // Ingestion health, job runs and the model panel come from their endpoints.
        Assert.Equal("42.5", (await page.Locator("[data-tile='Events / s'] .value").InnerTextAsync()).Trim());
        Assert.Equal("2", (await page.Locator("[data-tile='DLQ size'] .value").InnerTextAsync()).Trim());
        Assert.Contains("blob: Degraded", await page.Locator("#health-deps").InnerTextAsync());
        Assert.True(await page.Locator("#runs-table tbody tr[data-status='succeeded']").CountAsync() >= 1);
        Assert.True(await page.Locator("#panel-models").IsVisibleAsync());
        Assert.Contains("champion v3", await page.Locator("#models-body").InnerTextAsync());
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
        // Each filter change refreshes (and writes the URL); wait for the refresh that carries the language filter.
        try
        {
            await page.WaitForFunctionAsync("() => { const s = window.pipelineDashboard.data.languages.series; return s.length > 0 && s.every(x => x.name === 'Rust'); }",
                null, new() { Timeout = 30_000 });
        }
        catch (PlaywrightException)
        {
            // Fall through: the assertion below reports what the chart shows.
        }
        var languages = await page.EvaluateAsync<string[]>("() => window.pipelineDashboard.data.languages.series.map(s => s.name)");
        Assert.All(languages, l => Assert.Equal("Rust", l));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Filters_are_written_to_the_url_and_a_reload_restores_the_same_view()
    {
        var (page, errors) = await OpenAsync(fixture.FullApp.BaseUrl, "?refresh=0&animate=0");
        var refreshes = await page.EvaluateAsync<int>("() => window.pipelineDashboard.refreshes");
        await page.SelectOptionAsync("#f-repo", "northwind/ml-toolkit");
        await page.SelectOptionAsync("#f-period", "12m");
        await page.SelectOptionAsync("#f-compare", "1");
        await page.SelectOptionAsync("#f-measure", "stars");
        await WaitForRefreshesAsync(page, refreshes + 4);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        Assert.Equal("northwind/ml-toolkit", query["repo"]);
        Assert.Equal("12m", query["period"]);
        Assert.Equal("1", query["compareYears"]);
        Assert.Equal("stars", query["measure"]);
        Assert.Equal("0", query["animate"]); // parameters the filters do not own are kept
        Assert.Null(query["from"]); // custom dates only with the custom period
        var shared = page.Url;
        var grown = await page.EvaluateAsync<string[]>("() => window.pipelineDashboard.data.growing.items.map(i => i.repo)");

        // The shared link opens the same view: every filter restored, the same data asked for.
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1900 } });
        var again = await context.NewPageAsync();
        again.PageError += (_, e) => errors.Add("page error: " + e);
        Assert.Equal(200, (await again.GotoAsync(shared))!.Status);
        await WaitForRefreshesAsync(again, 1);
        Assert.Equal("northwind/ml-toolkit", await again.Locator("#f-repo").InputValueAsync());
        Assert.Equal("12m", await again.Locator("#f-period").InputValueAsync());
        Assert.Equal("1", await again.Locator("#f-compare").InputValueAsync());
        Assert.Equal("stars", await again.Locator("#f-measure").InputValueAsync());
        Assert.Equal(grown, await again.EvaluateAsync<string[]>("() => window.pipelineDashboard.data.growing.items.map(i => i.repo)"));
        await again.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ArtifactsDirectory, "dashboard-url-filters.png"), FullPage = true });

        // Custom dates go into the URL only with the custom period.
        await again.SelectOptionAsync("#f-period", "custom");
        await again.FillAsync("#f-from", "2026-01-01");
        await again.Locator("#f-from").DispatchEventAsync("change");
        await again.WaitForFunctionAsync("() => new URLSearchParams(location.search).get('from') === '2026-01-01'", null, new PageWaitForFunctionOptions { Timeout = 15000 });
        Assert.Equal("custom", System.Web.HttpUtility.ParseQueryString(new Uri(again.Url).Query)["period"]);
        Assert.Empty(errors);
        await context.CloseAsync();
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

    [Fact]
    public async Task Models_panel_shows_the_fields_the_models_endpoint_returns()
    {
        var (page, errors) = await OpenAsync(fixture.FullApp.BaseUrl, "?refresh=0&animate=0");
        var panel = page.Locator("#panel-models");
        await panel.ScrollIntoViewIfNeededAsync();
        await panel.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(fixture.ArtifactsDirectory, "dashboard-models-panel.png") });

        Assert.Empty(errors);
        var row = page.Locator("#models-table tr[data-model='issue-close-time']");
        Assert.Equal("v3", (await row.Locator("[data-col='serving']").InnerTextAsync()).Trim());
        Assert.Equal("champion v3", (await row.Locator("[data-col='champion']").InnerTextAsync()).Trim());
        Assert.Equal("v4", (await row.Locator("[data-col='challenger']").InnerTextAsync()).Trim());
        Assert.Equal("v4", (await row.Locator("[data-col='latest']").InnerTextAsync()).Trim());
        Assert.Equal("★ mae 12.4, r2 0.71", (await row.Locator("[data-col='metrics']").InnerTextAsync()).Trim());
        Assert.Equal("FastTree", (await row.Locator("[data-col='trainer']").InnerTextAsync()).Trim());
        Assert.NotEqual("–", (await row.Locator("[data-col='created']").InnerTextAsync()).Trim());
        // A model without a champion (camelCase fields) shows dashes, not blanks.
        var untrained = page.Locator("#models-table tr[data-model='issue-labeler']");
        Assert.Equal("no champion", (await untrained.Locator("[data-col='champion']").InnerTextAsync()).Trim());
        Assert.Equal("–", (await untrained.Locator("[data-col='metrics']").InnerTextAsync()).Trim());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task New_metric_charts_compare_this_year_with_earlier_years_and_mark_the_period_in_progress()
    {
        var (page, errors) = await OpenAsync(fixture.FullApp.BaseUrl, "?refresh=0&animate=0");
        foreach (var (panel, name) in new[]
                 {
                     ("#panel-opened-closed", "opened-closed"), ("#panel-cumulative-stars", "cumulative-stars"), ("#panel-first-response", "first-response"),
                     ("#panel-time-to-merge", "time-to-merge"), ("#panel-new-contributors", "new-contributors"),
                 })
        {
            var locator = page.Locator(panel);
            await locator.ScrollIntoViewIfNeededAsync();
            await locator.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(fixture.ArtifactsDirectory, "dashboard-" + name + ".png") });
        }
        Assert.Empty(errors);
        var year = DateTime.UtcNow.Year;
        var data = await page.EvaluateAsync<JsonElement>("() => window.pipelineDashboard.data");
        foreach (var metric in new[] { "openedClosed", "cumulativeStars", "firstResponse", "timeToMerge", "newContributors" })
        {
            var series = data.GetProperty(metric).GetProperty("series").EnumerateArray().ToList();
            Assert.Equal([year, year - 1, year - 2], series.Select(s => s.GetProperty("year").GetInt32()));
            Assert.All(series.Skip(1), s => Assert.True(s.GetProperty("total").GetDouble() > 0, $"{metric} {s.GetProperty("year")} is empty"));
        }
        // Cumulative stars only grow; first response and time to merge are hours; PRs closed unmerged are reported apart.
        var cumulative = data.GetProperty("cumulativeStars").GetProperty("series")[1].GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()).ToList();
        Assert.Equal(cumulative.Order(), cumulative);
        Assert.True(cumulative[^1] > 0);
        Assert.Contains("closed unmerged", await page.Locator("#merge-kpis").InnerTextAsync());
        Assert.Contains(data.GetProperty("timeToMerge").GetProperty("series")[1].GetProperty("points").EnumerateArray(),
            p => p.GetProperty("values").GetProperty("closedUnmerged").GetDouble() > 0);

        // This year's series: the week in progress is "partial" and drawn as a dashed tail ending in a hollow point; the
        // weeks after today are "future" and not drawn (no collapse to zero).
        var current = data.GetProperty("activity").GetProperty("series")[0].GetProperty("points").EnumerateArray().ToList();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var partial = Assert.Single(current, p => p.TryGetProperty("status", out var s) && s.GetString() == "partial");
        Assert.True(DateOnly.Parse(partial.GetProperty("period").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= today);
        var drawn = await page.EvaluateAsync<JsonElement>("""
            () => window.pipelineDashboard.charts.activity.getOption().series
              .filter(s => s.name === String(new Date().getUTCFullYear()))
              .map(s => ({ dashed: (s.lineStyle || {}).type === 'dashed', xs: s.data.map(d => Array.isArray(d) ? d[0] : d.value[0]),
                           hollow: s.data.some(d => d && d.symbol === 'emptyCircle') }))
            """);
        var parts = drawn.EnumerateArray().ToList();
        Assert.Equal(2, parts.Count);
        var tail = parts.Single(p => p.GetProperty("dashed").GetBoolean());
        Assert.True(tail.GetProperty("hollow").GetBoolean());
        var partialIndex = partial.GetProperty("index").GetInt32();
        Assert.Equal(partialIndex, tail.GetProperty("xs").EnumerateArray().Last().GetInt32());
        Assert.All(parts, p => Assert.All(p.GetProperty("xs").EnumerateArray(), x => Assert.True(x.GetInt32() <= partialIndex)));
        await page.Context.CloseAsync();
    }
}
