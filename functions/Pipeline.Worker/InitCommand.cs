using Pipeline.Storage;

namespace Pipeline.Worker;

/// <summary>
/// Host__Role=init: the one-shot initialiser of docker compose and the Kubernetes init Job. Creates every collection and index
/// in the configured store (retrying while it starts up), then exits 0; exits 1 if the store stays unreachable.
/// </summary>
internal static partial class InitCommand
{
    public static async Task<int> RunAsync(IConfiguration configuration, ILogger logger)
    {
        var options = configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
        var store = StoreServiceCollectionExtensions.CreateStore(options);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                await StoreSchema.EnsureAsync(store);
                LogEnsured(logger, store.Provider);
                return 0;
            }
            catch (StoreUnavailableException ex) when (DateTime.UtcNow < deadline)
            {
                LogNotReachable(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
                return 1;
            }
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Store schema ensured on {Provider}")]
    private static partial void LogEnsured(ILogger logger, string provider);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Store not reachable yet ({Message}); retrying")]
    private static partial void LogNotReachable(ILogger logger, string message);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Could not initialise the store")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
