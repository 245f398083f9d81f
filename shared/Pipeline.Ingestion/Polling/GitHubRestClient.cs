using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;
using Polly;
using Polly.Retry;

namespace Pipeline.Ingestion.Polling;

/// <summary>
/// GitHub REST reads through Octokit's <see cref="Connection"/> (authentication, user agent, error mapping, Link and
/// rate-limit parsing), with conditional requests, quota floor, 403/429 back-off and jittered exponential retries of 5xx.
/// </summary>
public sealed class GitHubRestClient : IDisposable
{
    private readonly Connection _connection;
    private readonly PollerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;

    public GitHubRestClient(IOptions<PollerOptions> options, ILogger<GitHubRestClient> logger, TimeProvider? time = null)
    {
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Budget = new RateLimitBudget();
        var baseUrl = _options.ApiBaseUrl.EndsWith('/') ? _options.ApiBaseUrl : _options.ApiBaseUrl + "/";
        BaseUri = new Uri(baseUrl);
        var credentials = string.IsNullOrWhiteSpace(_options.GitHubToken) ? Credentials.Anonymous : new Credentials(_options.GitHubToken);
        var handler = new ConditionalRequestHandler(Budget);
        _connection = new Connection(new Octokit.ProductHeaderValue("Pipeline-Poller", "1.0"), BaseUri,
            new InMemoryCredentialStore(credentials), new HttpClientAdapter(() => handler), new SimpleJsonSerializer());
        _connection.SetRequestTimeout(_options.RequestTimeout);
        IsAuthenticated = credentials.AuthenticationType != AuthenticationType.Anonymous;
        _retry = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRetries),
                Delay = _options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder()
                    .Handle<ApiException>(e => (int)e.StatusCode >= 500)
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutException>(),
                OnRetry = args =>
                {
                    RetriedRequests++;
                    GitHubRestClientLog.RequestRetrying(_logger, args.Outcome.Exception?.Message, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        if (_options.MaxRetries == 0) _retry = ResiliencePipeline.Empty;
    }

    public Uri BaseUri { get; }

    internal RateLimitBudget Budget { get; }

    public bool IsAuthenticated { get; }

    /// <summary>Requests sent (each retry counts).</summary>
    public int Requests { get; private set; }

    public int RetriedRequests { get; private set; }

    public Uri Resolve(string relative) => new(BaseUri, relative);

    /// <summary>GETs one page, sending <paramref name="etag"/> as If-None-Match. Throws <see cref="QuotaExhaustedException"/>
    /// when the quota floor is reached or GitHub asks for a wait longer than <see cref="PollerOptions.MaxInlineRateLimitWait"/>.</summary>
    internal async Task<GitHubPage> GetPageAsync(Uri url, string? etag, string? accept, CancellationToken ct)
    {
        for (var rateLimitWaits = 0; ; rateLimitWaits++)
        {
            EnsureQuota();
            try
            {
                return await _retry.ExecuteAsync(async token => await SendAsync(url, etag, accept, token).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            catch (ApiException ex) when (IsRateLimited(ex, out var wait))
            {
                if (wait > _options.MaxInlineRateLimitWait || rateLimitWaits >= 2)
                {
                    throw new QuotaExhaustedException(_time.GetUtcNow() + wait, $"GitHub rate limit ({(int)ex.StatusCode}): retry after {wait}");
                }
                GitHubRestClientLog.RateLimitWaiting(_logger, (int)ex.StatusCode, url, wait);
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<GitHubPage> SendAsync(Uri url, string? etag, string? accept, CancellationToken ct)
    {
        var scope = new ConditionalRequestHandler.Scope { IfNoneMatch = etag };
        ConditionalRequestHandler.Current.Value = scope;
        Requests++;
        try
        {
            // A success body is taken raw from the handler; "{}" spares Octokit deserialising it into objects we do not use.
            // Error bodies go to Octokit unchanged, so its exceptions carry GitHub's message (and detect "rate limit exceeded").
            var response = await _connection.Get<object>(url, new Dictionary<string, string>(), accept ?? "application/vnd.github+json", ct,
                body => (int)scope.Status < 400 ? "{}" : body).ConfigureAwait(false);
            var status = response.HttpResponse.StatusCode;
            if (status == HttpStatusCode.NotModified) return new GitHubPage(status, null, etag, null);
            var next = response.HttpResponse.ApiInfo?.Links is { } links && links.TryGetValue("next", out var n) ? n : null;
            return new GitHubPage(status, scope.Body, scope.ETag ?? response.HttpResponse.ApiInfo?.Etag, next);
        }
        finally
        {
            ConditionalRequestHandler.Current.Value = null;
        }
    }

    private void EnsureQuota()
    {
        var now = _time.GetUtcNow();
        if (Budget.Remaining is { } remaining && remaining <= _options.MinRemainingQuota && Budget.Reset is { } reset && reset > now)
        {
            throw new QuotaExhaustedException(reset, $"X-RateLimit-Remaining is {remaining}, at the floor Poller:MinRemainingQuota={_options.MinRemainingQuota}; resuming after {reset:O}");
        }
    }

    private bool IsRateLimited(ApiException ex, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        var status = (int)ex.StatusCode;
        if (status is not (403 or 429)) return false;
        var headers = ex.HttpResponse?.Headers;
        string? Header(string name) => headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        var retryAfter = Header("Retry-After");
        var remaining = Header("X-RateLimit-Remaining");
        var reset = Header("X-RateLimit-Reset");
        var body = ex.HttpResponse?.Body as string ?? "";
        var limited = status == 429 || retryAfter is not null || remaining == "0" || ex is RateLimitExceededException
            || body.Contains("rate limit", StringComparison.OrdinalIgnoreCase);
        if (!limited) return false;
        if (int.TryParse(retryAfter, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            wait = TimeSpan.FromSeconds(Math.Max(0, seconds));
        }
        else if (long.TryParse(reset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
        {
            wait = DateTimeOffset.FromUnixTimeSeconds(epoch) - _time.GetUtcNow();
            if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
        }
        else
        {
            wait = TimeSpan.FromMinutes(1);
        }
        return true;
    }

    public void Dispose() => (_connection as IDisposable)?.Dispose();
}

/// <summary>The source-generated log messages of GitHubRestClient (event ids: docs/architecture.md).</summary>
internal static partial class GitHubRestClientLog
{
    [LoggerMessage(EventId = 1123, Level = LogLevel.Warning, Message = "GitHub request failed ({Error}); retry {Attempt} in {Delay}")]
    public static partial void RequestRetrying(ILogger logger, string? error, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1124, Level = LogLevel.Warning, Message = "GitHub rate limit ({Status}) on {Url}; waiting {Wait}")]
    public static partial void RateLimitWaiting(ILogger logger, int status, Uri url, TimeSpan wait);
}
