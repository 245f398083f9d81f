using Microsoft.Extensions.Options;
using Pipeline.Domain.Scheduling;

namespace Pipeline.Ingestion.Redelivery;

/// <summary>GitHub webhook redelivery (section <c>GitHub:Redelivery</c>): a timer lists the configured hooks' recent
/// deliveries and asks GitHub to redeliver the failed ones.</summary>
public sealed class GitHubRedeliveryOptions
{
    public const string SectionName = "GitHub:Redelivery";

    /// <summary>Hooks to watch: <c>repo:owner/name:hookId</c>, <c>org:name:hookId</c>, or <c>app</c> (the GitHub App's hook,
    /// needs <see cref="AppId"/> and <see cref="PrivateKey"/>).</summary>
    public List<string> Hooks { get; set; } = [];

    /// <summary>NCRONTAB with seconds, as the Functions timer reads it (default every 10 minutes).</summary>
    public string Schedule { get; set; } = "0 */10 * * * *";

    /// <summary>False turns the timer off in both hosts.</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary>How far back deliveries are listed and considered.</summary>
    public int LookbackHours { get; set; } = 24;

    /// <summary>Most redelivery requests one run makes (the rest follows next run).</summary>
    public int MaxRedeliveriesPerRun { get; set; } = 100;

    /// <summary>REST API root; tests point it at the local replay server.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.github.com/";

    /// <summary>Token for repository and organisation hooks (needs admin:repo_hook / admin:org_hook); empty: <c>Poller:GitHubToken</c>, then <c>GitHub:Token</c>.</summary>
    public string? Token { get; set; }

    /// <summary>GitHub App id, the JWT's issuer for the <c>app</c> hook.</summary>
    public string? AppId { get; set; }

    /// <summary>GitHub App private key (PEM, PKCS#1 or PKCS#8) that signs the app JWT (RS256).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Requests left unused: the run stops when X-RateLimit-Remaining falls below this.</summary>
    public int MinRemainingQuota { get; set; } = 100;

    /// <summary>A 403/429 asking to wait at most this long is waited out in place; a longer wait ends the run.</summary>
    public TimeSpan MaxInlineRateLimitWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most delivery pages listed per hook and run.</summary>
    public int MaxPages { get; set; } = 20;

    /// <summary>Timeout of one HTTP request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

internal sealed class GitHubRedeliveryOptionsValidator : IValidateOptions<GitHubRedeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubRedeliveryOptions o)
    {
        var errors = new List<string>();
        foreach (var hook in o.Hooks.Where(h => !string.IsNullOrWhiteSpace(h)))
        {
            if (!RedeliveryHook.TryParse(hook, out var parsed, out var error))
            {
                errors.Add($"GitHub:Redelivery:Hooks: {error}");
            }
            else if (parsed!.Kind == RedeliveryHookKind.App && (string.IsNullOrWhiteSpace(o.AppId) || string.IsNullOrWhiteSpace(o.PrivateKey)))
            {
                errors.Add("GitHub:Redelivery:Hooks lists 'app' but GitHub:Redelivery:AppId or GitHub:Redelivery:PrivateKey is missing");
            }
        }
        try
        {
            TimerSchedule.Parse(o.Schedule ?? "");
        }
        catch (FormatException ex)
        {
            errors.Add($"GitHub:Redelivery:Schedule: {ex.Message}");
        }
        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")) errors.Add("GitHub:Redelivery:ApiBaseUrl must be an absolute http(s) URL");
        if (o.LookbackHours < 1) errors.Add("GitHub:Redelivery:LookbackHours must be at least 1");
        if (o.MaxRedeliveriesPerRun < 0) errors.Add("GitHub:Redelivery:MaxRedeliveriesPerRun must not be negative");
        if (o.MinRemainingQuota < 0) errors.Add("GitHub:Redelivery:MinRemainingQuota must not be negative");
        if (o.MaxPages < 1) errors.Add("GitHub:Redelivery:MaxPages must be at least 1");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
