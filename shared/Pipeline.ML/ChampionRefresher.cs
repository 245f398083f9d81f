using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.ML.Serving;

namespace Pipeline.ML;

/// <summary>Keeps every instance serving the registry's champions (picks up promotions made by other instances).</summary>
internal sealed class ChampionRefresher(PredictionService predictions, IOptions<MlOptions> options, ILogger<ChampionRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, options.Value.Serving.ChampionRefreshSeconds));
        using var timer = new PeriodicTimer(period);
        do
        {
            try
            {
                await predictions.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                MlServiceCollectionExtensionsLog.ChampionRefreshFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}

/// <summary>The source-generated log messages of MlServiceCollectionExtensions (event ids: docs/architecture.md).</summary>
internal static partial class MlServiceCollectionExtensionsLog
{
    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Champion refresh failed; serving versions unchanged")]
    public static partial void ChampionRefreshFailed(ILogger logger, Exception exception);
}
