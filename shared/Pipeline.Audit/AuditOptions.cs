// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit;

/// <summary>Settings of the repository audit, bound from the "Audit" configuration section.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Base URL that "owner/name" is appended to (plus ".git") when a repository is cloned. May be a local folder or file:// URL.</summary>
    public string CloneBaseUrl { get; set; } = "https://github.com/";

    /// <summary>Folder where cloned repositories are kept (bare) and reused by later audits.</summary>
    public string WorkDir { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipeline-audit");

    /// <summary>GitHub REST base URL for Actions runs (GitHub Enterprise: https://host/api/v3/).</summary>
    public string GitHubApiBaseUrl { get; set; } = "https://api.github.com/";

    /// <summary>Optional token for the GitHub API (higher rate limit, private repositories).</summary>
    public string? GitHubToken { get; set; }

    /// <summary>When false, CI runs are never fetched from the API; the report uses workflow-file changes per month.</summary>
    public bool UseGitHubApi { get; set; } = true;

    /// <summary>Timeout of one GitHub API request, seconds.</summary>
    public int GitHubTimeoutSeconds { get; set; } = 20;

    /// <summary>At most this many pages of 100 workflow runs are read.</summary>
    public int MaxRunPages { get; set; } = 50;

    /// <summary>Newest commits analysed at most; 0 means the whole history.</summary>
    public int MaxCommits { get; set; }

    /// <summary>Files listed per month when the request does not say.</summary>
    public int DefaultTopN { get; set; } = 10;

    /// <summary>Worker threads that diff commits in parallel; 0 means the processor count.</summary>
    public int Parallelism { get; set; }

    /// <summary>Blobs larger than this are not scanned for tools or keywords.</summary>
    public int MaxScanBytes { get; set; } = 1_000_000;

    /// <summary>Folders a <c>path</c> given to <c>POST /api/audit</c> must lie under. Empty: the <c>repos/</c> folder of the host's
    /// data directory (<c>Host:DataDirectory</c>), or no local path at all where the host has none. The CLI does not apply it.</summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>Checks the values; returns the first problem naming its key, or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(CloneBaseUrl) || !(Uri.TryCreate(CloneBaseUrl, UriKind.Absolute, out _) || System.IO.Path.IsPathRooted(CloneBaseUrl)))
            return "Audit:CloneBaseUrl is required and must be an absolute URL or folder";
        if (string.IsNullOrWhiteSpace(WorkDir))
            return "Audit:WorkDir is required";
        if (!Uri.TryCreate(GitHubApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps))
            return "Audit:GitHubApiBaseUrl is required and must be an absolute http(s) URL";
        if (MaxCommits < 0) return "Audit:MaxCommits must be 0 (no limit) or positive";
        if (DefaultTopN is < 1 or > 1000) return "Audit:DefaultTopN must be between 1 and 1000";
        if (Parallelism < 0) return "Audit:Parallelism must be 0 (processor count) or positive";
        if (GitHubTimeoutSeconds < 1) return "Audit:GitHubTimeoutSeconds must be positive";
        if (MaxRunPages < 1) return "Audit:MaxRunPages must be positive";
        if (MaxScanBytes < 1) return "Audit:MaxScanBytes must be positive";
        if (AllowedRoots.Any(r => !string.IsNullOrWhiteSpace(r) && !System.IO.Path.IsPathRooted(r))) return "Audit:AllowedRoots entries must be absolute folders";
        return null;
    }

    /// <summary>Options from environment variables (<c>Audit__CloneBaseUrl</c>...), for the CLI outside a host.</summary>
    public static AuditOptions FromEnvironment(Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        var o = new AuditOptions();
        string? Get(string key) => getEnv($"{SectionName}__{key}") is { Length: > 0 } v ? v : null;
        o.CloneBaseUrl = Get(nameof(CloneBaseUrl)) ?? o.CloneBaseUrl;
        o.WorkDir = Get(nameof(WorkDir)) ?? o.WorkDir;
        o.GitHubApiBaseUrl = Get(nameof(GitHubApiBaseUrl)) ?? o.GitHubApiBaseUrl;
        o.GitHubToken = Get(nameof(GitHubToken)) ?? getEnv("GITHUB_TOKEN");
        if (Get(nameof(UseGitHubApi)) is { } use) o.UseGitHubApi = bool.Parse(use);
        if (Get(nameof(GitHubTimeoutSeconds)) is { } t) o.GitHubTimeoutSeconds = int.Parse(t, System.Globalization.CultureInfo.InvariantCulture);
        if (Get(nameof(MaxRunPages)) is { } p) o.MaxRunPages = int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
        if (Get(nameof(MaxCommits)) is { } m) o.MaxCommits = int.Parse(m, System.Globalization.CultureInfo.InvariantCulture);
        if (Get(nameof(DefaultTopN)) is { } n) o.DefaultTopN = int.Parse(n, System.Globalization.CultureInfo.InvariantCulture);
        if (Get(nameof(Parallelism)) is { } par) o.Parallelism = int.Parse(par, System.Globalization.CultureInfo.InvariantCulture);
        if (Get(nameof(MaxScanBytes)) is { } b) o.MaxScanBytes = int.Parse(b, System.Globalization.CultureInfo.InvariantCulture);
        return o;
    }
}
