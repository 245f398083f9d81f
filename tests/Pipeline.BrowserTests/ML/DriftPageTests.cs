using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.ML;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;
using Pipeline.ML.Training;

namespace Pipeline.BrowserTests.ML;

/// <summary>
/// The drift report page in Debian chromium (Playwright): two monitor reports of issue-labeler whose drift was computed
/// by the real <see cref="DriftDetector"/> on seeded samples (one feature shifted, one not, one categorical), stored as the
/// monitor stores them and served by <c>GET /api/models/{name}/monitor</c> and the dashboard on Kestrel.
/// </summary>
public sealed class DriftPageTests : MlPageTest
{
    private MonitorReport _drifted = null!;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    protected override async Task SeedAsync()
    {
        var rng = new Random(7);
        double Normal(double mean, double sd) => mean + sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var reference = new DriftReference
        {
            Numeric = new()
            {
                ["body_length"] = [.. Enumerable.Range(0, 600).Select(_ => Normal(400, 80))],
                ["title_length"] = [.. Enumerable.Range(0, 600).Select(i => 50 + 10 * Math.Sin(i))],
            },
            Categorical = new() { ["author_association"] = [.. Enumerable.Range(0, 600).Select(i => i % 3 == 0 ? "MEMBER" : "NONE")] },
            PredictedLabels = [.. Enumerable.Range(0, 600).Select(i => i % 2 == 0 ? "bug" : "enhancement")],
        };
        DriftWindow Window(double bodyMean)
        {
            var w = new DriftWindow { Count = 300 };
            w.Numeric["body_length"] = [.. Enumerable.Range(0, 300).Select(_ => Normal(bodyMean, 80))];
            w.Numeric["title_length"] = [.. Enumerable.Range(0, 300).Select(i => 50 + 10 * Math.Sin(1.7 * i + 0.3))]; // same distribution, other points
            w.Categorical["author_association"] = [.. Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? "MEMBER" : "NONE")];
            w.PredictedLabels.AddRange(Enumerable.Range(0, 300).Select(i => i % 2 == 0 ? "bug" : "enhancement"));
            return w;
        }
        var settings = new DriftSettings();
        var now = DateTime.UtcNow;
        var calm = new MonitorReport
        {
            Id = "issue-labeler:calm",
            Model = ModelNames.IssueLabeler,
            At = now.AddHours(-2),
            ChampionVersion = 1,
            DriftStatus = "no drift",
            DriftWindowSize = 300,
            Drift = DriftDetector.Detect(reference, Window(400), settings),
        };
        _drifted = new MonitorReport
        {
            Id = "issue-labeler:drifted",
            Model = ModelNames.IssueLabeler,
            At = now.AddHours(-1),
            ChampionVersion = 1,
            DriftStatus = "feature drift",
            DriftWindowSize = 300,
            Drift = DriftDetector.Detect(reference, Window(650), settings),
        };
        var noDrift = new MonitorReport
        {
            Id = "issue-labeler:few",
            Model = ModelNames.IssueLabeler,
            At = now,
            ChampionVersion = 1,
            DriftStatus = "not enough samples",
        };
        foreach (var r in new[] { calm, _drifted, noDrift })
        {
            await Store.UpsertAsync(Collections.MonitorReports, r.Id, RegistryJson.ToDocument(r, r.Id));
        }

    }

    [Fact]
    public async Task Drift_page_shows_each_features_test_threshold_verdict_and_reference_vs_current_histograms()
    {
        // The stored report carries the bins the page draws (the detector computed them from the tested samples).
        var body = _drifted.Drift!.Features.Single(f => f.Feature == "body_length");
        Assert.True(body.Drifted);
        Assert.NotNull(body.Histogram);
        Assert.Equal(1.0, body.Histogram!.Reference.Sum(), 6);
        Assert.Equal(1.0, body.Histogram.Current.Sum(), 6);

        var (page, errors) = await NewPageAsync();
        var response = await page.GotoAsync(Url + "/dashboard/drift?model=issue-labeler");
        Assert.Equal(200, response!.Status);
        await page.WaitForFunctionAsync("() => window.pipelineDrift && window.pipelineDrift.loaded > 0", null, new PageWaitForFunctionOptions { Timeout = 30000 });

        // The newest report that tested drift is shown (the newest pass had too few samples), and the URL names it.
        Assert.Equal("issue-labeler:drifted", await page.Locator("#d-report").InputValueAsync());
        Assert.Equal("issue-labeler:drifted", System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query)["report"]);
        var rows = page.Locator("#drift-table tbody tr");
        Assert.Equal(4, await rows.CountAsync()); // 3 features + the predicted label
        var bodyRow = page.Locator("#drift-table tr[data-feature='body_length']");
        var cells = await bodyRow.Locator("td").AllInnerTextsAsync();
        Assert.Equal(["body_length", "numeric", "ks"], cells.Take(3));
        Assert.Equal(body.Statistic.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), cells[3]);
        Assert.Equal("0.050", cells[5]);
        Assert.Equal("drifted", cells[7]);
        Assert.Equal("not drifted", (await page.Locator("#drift-table tr[data-feature='title_length'] td").AllInnerTextsAsync())[7]);
        Assert.Equal("chi_squared", (await page.Locator("#drift-table tr[data-feature='author_association'] td").AllInnerTextsAsync())[2]);

        // One histogram per row, reference and current bars over the same bins, with the stored shares.
        var bars = await page.EvaluateAsync<double[][]>(@"() => {
            const c = window.pipelineDrift.charts['body_length'].getOption();
            return [c.xAxis[0].data.map(Number), c.series[0].data, c.series[1].data];
        }");
        Assert.Equal(body.Histogram.Bins.Count, bars[0].Length);
        Assert.Equal(body.Histogram.Reference, bars[1]);
        Assert.Equal(body.Histogram.Current, bars[2]);
        Assert.Equal(4, await page.EvaluateAsync<int>("() => Object.keys(window.pipelineDrift.charts).length"));
        Assert.True(await page.Locator("#drift-histograms canvas").CountAsync() >= 4);
        var artifacts = Path.Combine(RepositoryPaths.TryFindRoot() ?? AppContext.BaseDirectory, "artifacts", "browser");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "drift-report.png"), FullPage = true });

        // Choosing another report writes it to the URL, and that URL reopens it.
        await page.SelectOptionAsync("#d-report", "issue-labeler:calm");
        Assert.Equal("issue-labeler:calm", System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query)["report"]);
        Assert.Equal("not drifted", (await page.Locator("#drift-table tr[data-feature='body_length'] td").AllInnerTextsAsync())[7]);
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.pipelineDrift && window.pipelineDrift.loaded > 0", null, new PageWaitForFunctionOptions { Timeout = 30000 });
        Assert.Equal("issue-labeler:calm", await page.Locator("#d-report").InputValueAsync());
        Assert.Empty(errors);
    }
}
