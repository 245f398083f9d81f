using System.Net;
using Pipeline.Api.Dashboard;
using Pipeline.Testing.Analytics;

namespace Pipeline.UnitTests.Analytics;

public sealed class DashboardServingTests
{
    [Fact]
    public async Task Page_and_assets_are_served_from_embedded_resources_with_the_chart_library_bundled()
    {
        await using var app = await AnalyticsTestApp.StartAsync(new InMemoryDocumentStore());
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        var page = await http.GetAsync("/dashboard");
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<base href=\"/dashboard/\">", html);
        Assert.Contains("data-api=\"/api\"", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal));
        Assert.DoesNotContain("https://", html);

        var echarts = await http.GetAsync("/dashboard/assets/echarts.min.js");
        Assert.Equal(HttpStatusCode.OK, echarts.StatusCode);
        Assert.Equal("text/javascript", echarts.Content.Headers.ContentType!.MediaType);
        var bundled = await echarts.Content.ReadAsByteArrayAsync();
        var fromNpm = await File.ReadAllBytesAsync(Path.Combine(Pipeline.Embedded.RepositoryPaths.FindRoot(), "node_modules", "echarts", "dist", "echarts.min.js"));
        Assert.Equal(fromNpm, bundled);

        var etag = echarts.Headers.ETag!;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/dashboard/assets/echarts.min.js");
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(conditional)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/dashboard/assets/dashboard.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/dashboard/assets/dashboard.css")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/assets/nope.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/assets/..%2Fsecrets")).StatusCode);
        Assert.Contains("echarts.min.js", DashboardHandlers.AssetNames);
    }
}
