using Microsoft.Extensions.Configuration;

namespace Pipeline.Storage;

/// <summary>Settings of the document store (section <c>Store</c>; env vars <c>Store__Provider</c>, ...).</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Store";
    public const string Postgres = "postgres";
    public const string Mongo = "mongo";

    /// <summary><c>postgres</c> (default; local runs and CI) or <c>mongo</c> (Cosmos DB for MongoDB, MongoDB).</summary>
    public string Provider { get; set; } = Postgres;

    /// <summary>Npgsql connection string. Empty: the local host starts an embedded PostgreSQL and fills this in
    /// (see <see cref="UsesEmbeddedPostgres"/>); the Functions app needs a real value.</summary>
    public string PostgresConnectionString { get; set; } = "";

    /// <summary>MongoDB connection string (<c>mongodb://</c> or <c>mongodb+srv://</c>; Cosmos DB's from the Azure portal).</summary>
    public string MongoConnectionString { get; set; } = "";

    public string MongoDatabase { get; set; } = "pipeline";

    /// <summary>Create event-derived collections partitioned by repository (Cosmos DB for MongoDB RU accounts).</summary>
    public bool CosmosShardKeys { get; set; }

    /// <summary>Create collections and indexes at start-up (default true).</summary>
    public bool EnsureSchemaOnStart { get; set; } = true;

    /// <summary>True when the configuration selects PostgreSQL without a connection string: the local host should then
    /// start <c>Pipeline.Embedded.EmbeddedPostgres</c> and set <c>Store:PostgresConnectionString</c> before building.</summary>
    public static bool UsesEmbeddedPostgres(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var provider = section[nameof(Provider)];
        return (string.IsNullOrWhiteSpace(provider) || provider.Trim().Equals(Postgres, StringComparison.OrdinalIgnoreCase))
               && string.IsNullOrWhiteSpace(section[nameof(PostgresConnectionString)]);
    }

    public bool IsMongo => Provider.Trim().Equals(Mongo, StringComparison.OrdinalIgnoreCase);
}
