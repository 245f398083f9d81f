using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;
using Pipeline.ML.Training;

namespace Pipeline.BrowserTests.ML;

/// <summary>
/// The model runs page in Debian chromium (Playwright): three real training runs (ML.NET on synthetic issues, artifacts
/// in Azurite) and three monitor passes, served by the ML endpoints and the dashboard on Kestrel.
/// </summary>
public sealed class RunsPageTests : MlPageTest
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Ml:Training:Grid"] = "small",
        ["Ml:Training:CvFolds"] = "2",
        ["Ml:Training:GridBudgetSeconds"] = "20",
    };

    protected override async Task SeedAsync()
    {
        var training = Services.GetRequiredService<TrainingPipeline>();
        var settings = new[] { ("Sdca", 1), ("LightGbm", 2), ("Sdca", 3) };
        foreach (var (trainer, seed) in settings)
        {
            Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MlOptions>>().Value.Training.Trainers = trainer;
            await training.RunAsync(IssueDatasetBuilder.BuildSynthetic(ModelNames.TimeToClose, 700, seed, 0.2), $"browser test {trainer}");
        }
        var now = DateTime.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            var report = new MonitorReport
            {
                Id = $"time-to-close:{i}",
                Model = ModelNames.TimeToClose,
                At = now.AddHours(i - 3),
                ChampionVersion = 1,
                LiveMetrics = new() { ["accuracy"] = 0.7 + i * 0.05, ["auc"] = 0.75 + i * 0.03, ["count"] = 40 },
                LiveSamples = 40,
                DriftStatus = "no drift"
            };
            await Store.UpsertAsync(Collections.MonitorReports, report.Id, RegistryJson.ToDocument(report, report.Id));
        }

    }

    [Fact]
    public async Task Runs_page_compares_runs_charts_live_and_offline_metrics_and_shows_folds()
    {
        var (page, errors) = await NewPageAsync();
        var response = await page.GotoAsync(Url + "/dashboard/runs?model=time-to-close");
        Assert.Equal(200, response!.Status);
        await page.WaitForFunctionAsync("() => window.pipelineRuns && window.pipelineRuns.loaded > 0", null, new PageWaitForFunctionOptions { Timeout = 30000 });
        Assert.Equal(3, await page.Locator("#runs-table tbody tr").CountAsync());
        Assert.Equal("auc", await page.Locator("#r-metric").InputValueAsync());
        Assert.Equal("trainer", await page.Locator("#r-param").InputValueAsync());
        // Every chart drew a canvas and holds the runs' data: 3 bars, 3 parameter points, 3 offline and 3 live points.
        var counts = await page.EvaluateAsync<int[]>(@"() => {
            const c = window.pipelineRuns.charts;
            return [c['chart-runs'].getOption().series[0].data.length, c['chart-param'].getOption().series[0].data.length,
                    c['chart-time'].getOption().series[0].data.length, c['chart-time'].getOption().series[1].data.length,
                    document.querySelectorAll('canvas').length];
        }");
        Assert.Equal([3, 3, 3, 3], counts[..4]);
        Assert.True(counts[4] >= 3);
        await page.Locator("#runs-table tbody tr").First.ClickAsync();
        await page.Locator("#folds-table tbody tr").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 15000 });
        Assert.Equal(2, await page.Locator("#folds-table tbody tr").CountAsync());
        var artifacts = Path.Combine(RepositoryPaths.TryFindRoot() ?? AppContext.BaseDirectory, "artifacts", "browser");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "model-runs.png"), FullPage = true });
        Assert.Empty(errors);
    }
}
