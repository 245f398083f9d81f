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
internal sealed class StartupWarmup(
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
                    StartupWarmupLog.WarmupStep(logger, step.Name);
                    steps.Add(await step.RunAsync(stoppingToken));
                }
            }
            var done = steps.Count == 0 ? "ready (sample data disabled)" : "ready: " + string.Join("; ", steps);
            status.Complete(done);
            StartupWarmupLog.WarmupComplete(logger, done);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            status.Report("failed: " + ex.Message);
            StartupWarmupLog.WarmupFailed(logger, ex);
        }
    }
}

/// <summary>The source-generated log messages of StartupWarmup (event ids: docs/architecture.md).</summary>
internal static partial class StartupWarmupLog
{
    [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "Warm-up: {Step}")]
    public static partial void WarmupStep(ILogger logger, string step);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Information, Message = "Warm-up complete: {Summary}")]
    public static partial void WarmupComplete(ILogger logger, string summary);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Error, Message = "Warm-up failed; /api/health stays 503")]
    public static partial void WarmupFailed(ILogger logger, Exception exception);
}
