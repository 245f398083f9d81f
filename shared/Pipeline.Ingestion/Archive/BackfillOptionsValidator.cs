using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Archive;

internal sealed class BackfillOptionsValidator : IValidateOptions<BackfillOptions>
{
    public ValidateOptionsResult Validate(string? name, BackfillOptions o)
    {
        var errors = new List<string>();
        if (o.BatchSize is < 1 or > 100_000) errors.Add("Backfill:BatchSize must be between 1 and 100000");
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _)) errors.Add("Backfill:BaseUrl must be an absolute URL");
        if (o.MaxHours < 1) errors.Add("Backfill:MaxHours must be at least 1");
        if (o.HttpTimeout <= TimeSpan.Zero) errors.Add("Backfill:HttpTimeout must be positive");
        if (o.MaxParallelFiles is < 1 or > 64) errors.Add("Backfill:MaxParallelFiles must be between 1 and 64");
        if (o.ChunkFiles is < 1 or > 10_000) errors.Add("Backfill:ChunkFiles must be between 1 and 10000");
        if (o.StoreWaitTimeout <= TimeSpan.Zero) errors.Add("Backfill:StoreWaitTimeout must be positive");
        if (o.AllowedRoots.Any(r => !string.IsNullOrWhiteSpace(r) && !Path.IsPathRooted(r))) errors.Add("Backfill:AllowedRoots entries must be absolute folders");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
