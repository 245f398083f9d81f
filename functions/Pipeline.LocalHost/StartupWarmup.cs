using Microsoft.Extensions.Options;
using Pipeline.Api;
using Pipeline.Api.Operations;
using Pipeline.Storage;

namespace Pipeline.LocalHost;

/// <summary>
/// What `make run` does once the servers are up, so the dashboard and predict work from the first minute: wait for the
/// store's schema, seed sample data when the store is empty, and train the models when no champion exists.
/// /api/health stays 503 (warmup: ...) until this finishes.
/// </summary>
public sealed class StartupWarmup(
    IServiceProvider services,
    WarmupStatus status,
    IOptions<HostingOptions> hosting,
    ILogger<StartupWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            status.Report("waiting for the store");
            await services.GetRequiredService<StoreSchema>().Ready.WaitAsync(stoppingToken);
            var steps = new List<string>();
            if (hosting.Value.SeedSampleData)
            {
                foreach (var step in services.GetServices<IWarmupStep>())
                {
                    status.Report(step.Name);
                    logger.LogInformation("Warm-up: {Step}", step.Name);
                    steps.Add(await step.RunAsync(stoppingToken));
                }
            }
            var done = steps.Count == 0 ? "ready (sample data disabled)" : "ready: " + string.Join("; ", steps);
            status.Complete(done);
            logger.LogInformation("Warm-up complete: {Summary}", done);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            status.Report("failed: " + ex.Message);
            logger.LogError(ex, "Warm-up failed; /api/health stays 503");
        }
    }
}

/// <summary>One start-up step of the local host (seed sample data, train first models...). Returns a one-line summary.</summary>
public interface IWarmupStep
{
    string Name { get; }

    Task<string> RunAsync(CancellationToken ct);
}
