namespace Pipeline.Testing.Storage;

/// <summary>
/// The MongoDB (or Cosmos DB for MongoDB) server the Mongo contract tests run against, when one is configured:
/// env <c>PIPELINE_TEST_MONGO</c> or <c>Store__MongoConnectionString</c>. No MongoDB-wire server installs on the build
/// machines, so without either the Mongo tests are reported as skipped with <see cref="SkipReason"/>.
/// </summary>
public static class MongoTestServer
{
    public static string? ConnectionString =>
        FirstNonEmpty(Environment.GetEnvironmentVariable("PIPELINE_TEST_MONGO"), Environment.GetEnvironmentVariable("Store__MongoConnectionString"));

    public const string SkipReason =
        "MongoDB contract tests skipped: no MongoDB server configured. Set PIPELINE_TEST_MONGO (or Store__MongoConnectionString) " +
        "to a MongoDB / Cosmos DB for MongoDB connection string, e.g. PIPELINE_TEST_MONGO=mongodb://127.0.0.1:27017 " +
        "(docker compose -f docker/docker-compose.yml up mongo).";

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
