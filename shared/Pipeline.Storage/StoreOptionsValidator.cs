using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Npgsql;

namespace Pipeline.Storage;

internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        var errors = new List<string>();
        var provider = options.Provider?.Trim().ToLowerInvariant();
        if (provider is not (StoreOptions.Postgres or StoreOptions.Mongo))
        {
            errors.Add($"Store:Provider must be 'postgres' or 'mongo' (got '{options.Provider}')");
        }
        else if (provider == StoreOptions.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
            {
                errors.Add("Store:PostgresConnectionString is required when Store:Provider is 'postgres' " +
                           "(the local host starts an embedded PostgreSQL when it is empty; the Functions app needs a server)");
            }
            else
            {
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
                }
                catch (ArgumentException e)
                {
                    errors.Add($"Store:PostgresConnectionString is not a valid Npgsql connection string: {e.Message}");
                }
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(options.MongoConnectionString))
            {
                errors.Add("Store:MongoConnectionString is required when Store:Provider is 'mongo'");
            }
            else
            {
                try
                {
                    _ = new MongoUrl(options.MongoConnectionString);
                }
                catch (Exception e) when (e is MongoConfigurationException or ArgumentException or FormatException)
                {
                    errors.Add($"Store:MongoConnectionString is not a valid MongoDB connection string: {e.Message}");
                }
            }
            if (string.IsNullOrWhiteSpace(options.MongoDatabase) || options.MongoDatabase.IndexOfAny(['/', '\\', '.', ' ', '"', '$']) >= 0)
            {
                errors.Add($"Store:MongoDatabase must be a database name without / \\ . space \" $ (got '{options.MongoDatabase}')");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
