using Microsoft.Extensions.Options;
using Pipeline.Domain.Scheduling;

namespace Pipeline.Ingestion.Polling;

/// <summary>GitHub REST poller settings (section <c>Poller</c>; the token is <c>GitHub:Token</c>).</summary>
public sealed class PollerOptions
{
    public const string SectionName = "Poller";

    /// <summary>Repositories to poll, <c>owner/name</c> (<c>Poller:Repositories:0</c>, ...; or one comma-separated string).</summary>
    public List<string> Repositories { get; set; } = [];

    /// <summary>NCRONTAB with seconds (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>), as the Functions timer reads it.</summary>
    public string Schedule { get; set; } = "0 */5 * * * *";

    /// <summary>Personal access / app token (bound from <c>GitHub:Token</c>). Without one the poller runs unauthenticated (60 requests/hour).</summary>
    public string? GitHubToken { get; set; }

    /// <summary>REST API root; tests point it at the local replay server.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.github.com/";

    /// <summary>Requests the poller leaves unused: it stops when X-RateLimit-Remaining would fall below this, and resumes after the reset.</summary>
    public int MinRemainingQuota { get; set; } = 100;

    /// <summary>Most pages fetched per repository and resource in one run (the rest follows next run from the saved watermark).</summary>
    public int MaxPages { get; set; } = 10;

    /// <summary>Items per page (GitHub allows up to 100).</summary>
    public int PerPage { get; set; } = 100;

    /// <summary>Which resources to poll: any of <c>issues</c>, <c>stargazers</c>, <c>releases</c>, <c>workflow_runs</c>.</summary>
    public List<string> Resources { get; set; } = [.. PollResources.All];

    /// <summary>Retries of a 5xx/network failure, with jittered exponential backoff from <see cref="RetryBaseDelay"/>.</summary>
    public int MaxRetries { get; set; } = 4;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A 403/429 asking to wait at most this long is waited out in place; a longer wait pauses polling until then.</summary>
    public TimeSpan MaxInlineRateLimitWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one HTTP request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Local host only: a fixed interval that replaces <see cref="Schedule"/> for the hosted service (0 = use the schedule).</summary>
    public int IntervalSeconds { get; set; }

    /// <summary>Local host only: run the hosted poller at all (the Functions app uses its timer trigger instead).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Repositories seen without a language (the store's repositories projection, plus <see cref="Repositories"/>)
    /// whose metadata (<c>GET /repos/{owner}/{repo}</c>) one run may fetch; 0 turns the lookup off. Needs a token.</summary>
    public int LanguageLookupsPerRun { get; set; } = 20;

    /// <summary>How long before a repository looked up once is looked up again (conditionally, with its ETag).</summary>
    public TimeSpan LanguageLookupInterval { get; set; } = TimeSpan.FromDays(1);

    public IReadOnlyList<string> RepositoryList() =>
        Repositories.SelectMany(r => r.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}

public static class PollResources
{
    public const string Issues = "issues";
    public const string Stargazers = "stargazers";
    public const string Releases = "releases";
    public const string WorkflowRuns = "workflow_runs";

    /// <summary>The state key of a repository's metadata lookup (not a configurable resource: it runs when a token is set).</summary>
    public const string RepositoryMetadata = "repository";

    public static IReadOnlyList<string> All { get; } = [Issues, Stargazers, Releases, WorkflowRuns];
}

public sealed class PollerOptionsValidator : IValidateOptions<PollerOptions>
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
