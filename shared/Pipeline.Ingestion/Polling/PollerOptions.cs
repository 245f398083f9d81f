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
