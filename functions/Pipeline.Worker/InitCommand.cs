using Pipeline.Storage;

namespace Pipeline.Worker;

/// <summary>
/// Host__Role=init: the one-shot initialiser of docker compose and the Kubernetes init Job. Creates every collection and index
/// in the configured store (retrying while it starts up), then exits 0; exits 1 if the store stays unreachable.
/// </summary>
internal static class InitCommand
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
                logger.LogInformation("Store schema ensured on {Provider}", store.Provider);
                return 0;
            }
            catch (StoreUnavailableException ex) when (DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Store not reachable yet ({Message}); retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Could not initialise the store");
                return 1;
            }
        }
    }
}
