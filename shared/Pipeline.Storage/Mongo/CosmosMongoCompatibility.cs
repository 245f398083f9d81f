using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;
using Pipeline.Domain;
using Polly;
using Polly.Retry;

namespace Pipeline.Storage.Mongo;

/// <summary>
/// Everything specific to Azure Cosmos DB for MongoDB (RU-based), in one place. The rest of <see cref="MongoStore"/> uses
/// only features Cosmos supports: single-collection CRUD, unordered bulk writes, simple ascending indexes, find with
/// sort/skip/limit, count; no multi-document transactions, no $lookup pipelines, no change streams.
/// <list type="bullet">
/// <item>Throttling: when a request exceeds the provisioned RU/s Cosmos answers error 16500 (TooManyRequests) with a
/// <c>RetryAfterMs=n</c> hint; we wait and retry (Polly for single operations, per failed item for bulk writes).</item>
/// <item>Retryable writes are not supported by Cosmos, so they are turned off for Cosmos hosts.</item>
/// <item>Shard keys (optional, <c>Store:CosmosShardKeys</c>): event-derived collections are partitioned by repository,
/// created with Cosmos's <c>CreateCollection</c> custom action; writes and deletes then name the shard key. Note that
/// uniqueness of <c>_id</c> in a sharded Cosmos collection holds per shard-key value; our ids embed the repository or
/// are globally unique GitHub ids, so that is enough.</item>
/// <item>Sorting on a field needs an index on it in Cosmos; the schema (<see cref="StoreSchema"/>) indexes every field
/// the app sorts by, and the adapter never adds implicit secondary sort keys (a compound sort needs a compound index).</item>
/// </list>
/// </summary>
internal static partial class CosmosMongoCompatibility
{
    public const int ThrottledErrorCode = 16500;
    public const int MaxThrottleRetries = 10;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>Shard key per collection when <c>Store:CosmosShardKeys</c> is on; collections not listed stay unsharded.</summary>
    public static readonly IReadOnlyDictionary<string, string> ShardKeys = new Dictionary<string, string>
    {
        [Collections.Events] = "repo",
        [Collections.Issues] = "repo",
        [Collections.Pulls] = "repo",
        [Collections.Stars] = "repo",
    };

    [GeneratedRegex(@"RetryAfterMs=(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex RetryAfterPattern();

    /// <summary>True for a Cosmos DB for MongoDB endpoint (RU or vCore).</summary>
    public static bool IsCosmosHost(MongoUrl url) =>
        url.Servers.Any(s => s.Host.EndsWith(".cosmos.azure.com", StringComparison.OrdinalIgnoreCase)
                             || s.Host.EndsWith(".documents.azure.com", StringComparison.OrdinalIgnoreCase));

    /// <summary>Client settings Cosmos needs.</summary>
    public static void Apply(MongoClientSettings settings, MongoUrl url)
    {
        if (IsCosmosHost(url))
        {
            settings.RetryWrites = false;
        }
    }

    /// <summary>The shard-key field of a collection, or null when it is unsharded (or shard keys are off).</summary>
    public static string? ShardKeyFor(string collection, bool shardKeysEnabled) =>
        shardKeysEnabled && ShardKeys.TryGetValue(collection, out var key) ? key : null;

    /// <summary>Cosmos's custom action that creates a collection partitioned by <paramref name="shardKey"/>.</summary>
    public static BsonDocument CreateShardedCollectionCommand(string collection, string shardKey) =>
        new() { { "customAction", "CreateCollection" }, { "collection", collection }, { "shardKey", shardKey } };

    /// <summary>True when the error is Cosmos's request-rate throttling (16500 / TooManyRequests).</summary>
    public static bool IsThrottled(Exception e) => e switch
    {
        MongoCommandException c => c.Code == ThrottledErrorCode || Mentions429(c.Message),
        MongoWriteException w => w.WriteError?.Code == ThrottledErrorCode || Mentions429(w.Message),
        // Bulk writes are not retried whole: MongoStore retries just their throttled items.
        MongoExecutionTimeoutException t => Mentions429(t.Message),
        _ => false,
    };

    public static bool IsThrottled(BulkWriteError error) => error.Code == ThrottledErrorCode || Mentions429(error.Message);

    private static bool Mentions429(string? message) => message is not null
        && (message.Contains("TooManyRequests", StringComparison.OrdinalIgnoreCase) || message.Contains("Request rate is large", StringComparison.OrdinalIgnoreCase));

    /// <summary>How long to wait before retrying a throttled request: the server's RetryAfterMs hint when it gave one,
    /// otherwise exponential from 50 ms; capped at 5 s.</summary>
    public static TimeSpan RetryDelay(int attempt, string? message)
    {
        if (message is not null)
        {
            var match = RetryAfterPattern().Match(message);
            if (match.Success && int.TryParse(match.Groups[1].Value, out var ms))
            {
                return TimeSpan.FromMilliseconds(Math.Clamp(ms, 1, (int)MaxDelay.TotalMilliseconds));
            }
        }
        var backoff = TimeSpan.FromMilliseconds(50 * Math.Pow(2, Math.Min(attempt, 10)));
        return backoff < MaxDelay ? backoff : MaxDelay;
    }

    /// <summary>Retries throttled single operations (Polly).</summary>
    public static ResiliencePipeline ThrottleRetryPipeline { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsThrottled),
            MaxRetryAttempts = MaxThrottleRetries,
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryDelay(args.AttemptNumber, args.Outcome.Exception?.Message)),
        })
        .Build();
}
