using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Storage;

/// <summary>Ensures the schema at start-up, retrying while the store is unreachable (the host keeps starting;
/// /api/health reports the store as not ready until this succeeds).</summary>
internal sealed class StoreSchemaInitializer(StoreSchema schema, ILogger<StoreSchemaInitializer> logger, bool enabled = true) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!enabled)
        {
            schema.MarkReady();
            StoreSchemaLog.SchemaNotEnsuredOnStart(logger);
            return;
        }
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await schema.EnsureAsync(stoppingToken);
                StoreSchemaLog.SchemaEnsured(logger);
                return;
            }
            catch (StoreUnavailableException e)
            {
                StoreSchemaLog.StoreUnavailableWhileEnsuringSchema(logger, delay, e.Message);
            }
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
        }
    }
}

/// <summary>The source-generated log messages of StoreSchema (event ids: docs/architecture.md).</summary>
internal static partial class StoreSchemaLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Store:EnsureSchemaOnStart is false: collections and indexes are not created at start-up")]
    public static partial void SchemaNotEnsuredOnStart(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Document store schema ensured")]
    public static partial void SchemaEnsured(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Document store unavailable while ensuring the schema, retrying in {Delay}: {Message}")]
    public static partial void StoreUnavailableWhileEnsuringSchema(ILogger logger, TimeSpan delay, string message);
}
