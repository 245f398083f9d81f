using System.Net;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;
using Pipeline.Domain;
using Pipeline.Storage.Mongo;

namespace Pipeline.UnitTests.Storage;

public sealed class CosmosMongoCompatibilityTests
{
    private static MongoCommandException CommandError(int code, string message) =>
        new(new ConnectionId(new ServerId(new ClusterId(), new DnsEndPoint("cosmos.example", 10255))), message,
            new BsonDocument("find", "events"), new BsonDocument { { "ok", 0 }, { "code", code }, { "errmsg", message } });

    [Fact]
    public void Throttling_is_recognised_by_code_and_by_message()
    {
        Assert.True(CosmosMongoCompatibility.IsThrottled(CommandError(16500, "Error=16500, RetryAfterMs=12, Details='Request rate is large'")));
        Assert.True(CosmosMongoCompatibility.IsThrottled(CommandError(1, "TooManyRequests")));
        Assert.False(CosmosMongoCompatibility.IsThrottled(CommandError(11000, "duplicate key")));
        Assert.False(CosmosMongoCompatibility.IsThrottled(new TimeoutException()));
    }

    [Fact]
    public void The_retry_delay_follows_the_servers_hint_and_is_capped()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(12), CosmosMongoCompatibility.RetryDelay(0, "Error=16500, RetryAfterMs=12"));
        Assert.Equal(TimeSpan.FromSeconds(5), CosmosMongoCompatibility.RetryDelay(0, "RetryAfterMs=600000"));
        Assert.Equal(TimeSpan.FromMilliseconds(50), CosmosMongoCompatibility.RetryDelay(0, null));
        Assert.Equal(TimeSpan.FromMilliseconds(200), CosmosMongoCompatibility.RetryDelay(2, "no hint"));
        Assert.Equal(TimeSpan.FromSeconds(5), CosmosMongoCompatibility.RetryDelay(20, null));
    }

    [Fact]
    public async Task Throttled_operations_are_retried_until_they_succeed()
    {
        var calls = 0;
        var result = await CosmosMongoCompatibility.ThrottleRetryPipeline.ExecuteAsync(_ =>
        {
            calls++;
            if (calls < 3) throw CommandError(16500, "Error=16500, RetryAfterMs=1");
            return ValueTask.FromResult("ok");
        });
        Assert.Equal("ok", result);
        Assert.Equal(3, calls);

        var other = 0;
        await Assert.ThrowsAsync<MongoCommandException>(async () => await CosmosMongoCompatibility.ThrottleRetryPipeline.ExecuteAsync<int>(_ =>
        {
            other++;
            throw CommandError(2, "BadValue");
        }));
        Assert.Equal(1, other);
    }

    [Fact]
    public void Shard_keys_apply_only_when_enabled_and_to_event_derived_collections()
    {
        Assert.Equal("repo", CosmosMongoCompatibility.ShardKeyFor(Collections.Events, true));
        Assert.Null(CosmosMongoCompatibility.ShardKeyFor(Collections.Events, false));
        Assert.Null(CosmosMongoCompatibility.ShardKeyFor(Collections.PollerState, true));
        var command = CosmosMongoCompatibility.CreateShardedCollectionCommand("events", "repo");
        Assert.Equal("CreateCollection", command["customAction"].AsString);
        Assert.Equal("repo", command["shardKey"].AsString);
    }

    [Fact]
    public void Cosmos_hosts_get_retryable_writes_turned_off()
    {
        var url = new MongoUrl("mongodb://acct:key@acct.mongo.cosmos.azure.com:10255/?ssl=true&replicaSet=globaldb");
        var settings = MongoClientSettings.FromUrl(url);
        CosmosMongoCompatibility.Apply(settings, url);
        Assert.False(settings.RetryWrites);
        var local = new MongoUrl("mongodb://127.0.0.1:27017");
        var localSettings = MongoClientSettings.FromUrl(local);
        CosmosMongoCompatibility.Apply(localSettings, local);
        Assert.True(localSettings.RetryWrites);
    }
}
