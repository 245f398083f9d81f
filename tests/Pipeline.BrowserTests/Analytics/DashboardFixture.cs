using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Pipeline.Analytics.Seed;
using Pipeline.Embedded;
using Pipeline.Orchestration.Analytics;
using Pipeline.Testing.Analytics;
using Pipeline.UnitTests.Analytics;

namespace Pipeline.BrowserTests.Analytics;

/// <summary>
/// One seeded store (three calendar years of generated events, aggregated by the real orchestration once), served by
/// two hosts: one with the lead's health, ingestion-status and models endpoints stubbed as they are specified, one
/// without them; and Debian chromium driven by Playwright (no Playwright browser download).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public InMemoryDocumentStore Store { get; } = new();
    public AnalyticsTestApp FullApp { get; private set; } = null!;
    public AnalyticsTestApp BareApp { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string ArtifactsDirectory { get; } = Path.Combine(RepositoryPaths.TryFindRoot() ?? AppContext.BaseDirectory, "artifacts", "browser");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        await SeedDataGenerator.SeedAsync(Store, new SeedOptions { Scale = 0.3, NewRepositoriesPerDay = 0.05 });
        FullApp = await AnalyticsTestApp.StartAsync(Store, mapExtra: MapLeadEndpoints);
        var (state, _) = await FullApp.RunAggregationAsync(new AggregateTrendsInput { Trigger = "seed" }, TimeSpan.FromMinutes(5));
        if (state.RuntimeStatus != Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException("Seed aggregation failed: " + state.FailureDetails?.ErrorMessage);
        }
        BareApp = await AnalyticsTestApp.StartAsync(Store);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(Playwright);
    }

    /// <summary>The endpoints the lead's hosts provide, with the JSON shapes the dashboard is written against.</summary>
    private static void MapLeadEndpoints(WebApplication app)
    {
        app.MapGet("/api/health", () => Results.Json(new JsonObject
        {
            ["status"] = "Healthy",
            ["dependencies"] = new JsonObject
            {
                ["store"] = new JsonObject { ["status"] = "Healthy", ["detail"] = "postgres 15" },
                ["kafka"] = new JsonObject { ["status"] = "Healthy", ["detail"] = "3 partitions" },
                ["blob"] = new JsonObject { ["status"] = "Degraded", ["detail"] = "slow responses" },
            },
        }));
        app.MapGet("/api/ingestion/status", () => Results.Json(new
        {
            eventsPerSecond = 42.5,
            consumerLag = 17,
            dlqCount = 2,
            lastPollAt = DateTimeOffset.UtcNow.AddSeconds(-40),
            lastEventAt = DateTimeOffset.UtcNow.AddSeconds(-3),
        }));
        // The shape ModelHandlers.ListModelsAsync returns (one entry per model name, champion metrics flattened), in the
        // snake_case it has today; the dashboard also reads the camelCase the API is moving to.
        app.MapGet("/api/models", () => Results.Json(new JsonObject
        {
            ["models"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "issue-close-time",
                    ["primary_metric"] = "mae",
                    ["champion"] = 3,
                    ["challenger"] = 4,
                    ["latest_version"] = 4,
                    ["serving_version"] = 3,
                    ["champion_test_metrics"] = new JsonObject { ["mae"] = 12.4, ["r2"] = 0.71 },
                    ["champion_trainer"] = "FastTree",
                    ["champion_created_at"] = "2026-11-20T10:00:00Z",
                },
                new JsonObject
                {
                    ["name"] = "issue-labeler",
                    ["primaryMetric"] = "macroF1",
                    ["champion"] = null,
                    ["challenger"] = null,
                    ["latestVersion"] = 0,
                    ["servingVersion"] = null,
                    ["championTestMetrics"] = null,
                    ["championTrainer"] = null,
                    ["championCreatedAt"] = null,
                }),
        }));
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (FullApp is not null) await FullApp.DisposeAsync();
        if (BareApp is not null) await BareApp.DisposeAsync();
    }
}
