using Microsoft.Extensions.Options;
using Pipeline.Domain.Scheduling;

namespace Pipeline.Ingestion.Polling;

internal sealed class PollerOptionsValidator : IValidateOptions<PollerOptions>
{
    public ValidateOptionsResult Validate(string? name, PollerOptions o)
    {
        var errors = new List<string>();
        foreach (var repo in o.RepositoryList())
        {
            var parts = repo.Split('/');
            if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace)) errors.Add($"Poller:Repositories: '{repo}' is not owner/name");
        }
        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")) errors.Add("Poller:ApiBaseUrl must be an absolute http(s) URL");
        if (o.IntervalSeconds < 0) errors.Add("Poller:IntervalSeconds must not be negative");
        if (o.IntervalSeconds == 0)
        {
            try
            {
                TimerSchedule.Parse(o.Schedule ?? "");
            }
            catch (FormatException ex)
            {
                errors.Add($"Poller:Schedule: {ex.Message}");
            }
        }
        if (o.MinRemainingQuota < 0) errors.Add("Poller:MinRemainingQuota must not be negative");
        if (o.MaxPages < 1) errors.Add("Poller:MaxPages must be at least 1");
        if (o.PerPage is < 1 or > 100) errors.Add("Poller:PerPage must be between 1 and 100");
        if (o.MaxRetries < 0) errors.Add("Poller:MaxRetries must not be negative");
        if (o.LanguageLookupsPerRun < 0) errors.Add("Poller:LanguageLookupsPerRun must not be negative");
        if (o.LanguageLookupInterval < TimeSpan.Zero) errors.Add("Poller:LanguageLookupInterval must not be negative");
        foreach (var r in o.Resources.Where(r => !PollResources.All.Contains(r))) errors.Add($"Poller:Resources: unknown '{r}' (use {string.Join(", ", PollResources.All)})");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
