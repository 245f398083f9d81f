using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Redelivery;

/// <summary>
/// Lists the configured hooks' deliveries of the lookback window (<c>GET .../deliveries?per_page=100</c>, following
/// <c>Link: rel="next"</c>) and requests redelivery (<c>POST .../deliveries/{id}/attempts</c>) of each failed guid that has
/// no successful delivery and no earlier redelivery attempt in the window. Stops at the rate-limit floor and on a 403/429
/// asking for a longer wait than <see cref="GitHubRedeliveryOptions.MaxInlineRateLimitWait"/>.
/// </summary>
public sealed partial class GitHubRedeliveryService : IDisposable
{
    private readonly GitHubRedeliveryOptions _options;
    private readonly string? _token;
    private readonly TimeProvider _clock;
    private readonly ILogger<GitHubRedeliveryService> _logger;
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly SemaphoreSlim _single = new(1, 1);
    private long? _remaining;

    public GitHubRedeliveryService(IOptions<GitHubRedeliveryOptions> options, IConfiguration configuration, TimeProvider clock, ILogger<GitHubRedeliveryService> logger)
    {
        _options = options.Value;
        _token = new[] { _options.Token, configuration["Poller:GitHubToken"], configuration["GitHub:Token"] }.FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));
        _clock = clock;
        _logger = logger;
        var root = _options.ApiBaseUrl.EndsWith('/') ? _options.ApiBaseUrl : _options.ApiBaseUrl + "/";
        _base = new Uri(root);
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }) { Timeout = _options.RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("pipeline-redelivery/1.0");
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.github+json");
        _http.DefaultRequestHeaders.Add("X-GitHub-Api-Version", "2022-11-28");
    }

    public async Task<RedeliveryRunResult> RunAsync(CancellationToken ct = default)
    {
        await _single.WaitAsync(ct);
        try
        {
            _remaining = null;
            return await RunOnceAsync(ct);
        }
        finally
        {
            _single.Release();
        }
    }

    private async Task<RedeliveryRunResult> RunOnceAsync(CancellationToken ct)
    {
        var hooks = _options.Hooks.Where(h => !string.IsNullOrWhiteSpace(h))
            .Select(h => RedeliveryHook.TryParse(h, out var hook, out _) ? hook! : throw new InvalidOperationException($"GitHub:Redelivery:Hooks: bad entry '{h}'"))
            .ToList();
        int listed = 0, failed = 0, redelivered = 0, skipped = 0;
        string? stopped = null;
        var since = _clock.GetUtcNow().AddHours(-_options.LookbackHours);
        foreach (var hook in hooks)
        {
            try
            {
                var deliveries = await ListAsync(hook, since, ct);
                listed += deliveries.Count;
                foreach (var group in deliveries.GroupBy(d => d.Guid, StringComparer.Ordinal))
                {
                    if (!group.Any(d => !d.Succeeded))
                    {
                        continue;
                    }
                    failed++;
                    RedeliveryMetrics.FailedFound.Add(1);
                    if (group.Any(d => d.Succeeded) || group.Any(d => d.Redelivery))
                    {
                        skipped++;
                        continue;
                    }
                    if (redelivered >= _options.MaxRedeliveriesPerRun)
                    {
                        stopped ??= $"GitHub:Redelivery:MaxRedeliveriesPerRun={_options.MaxRedeliveriesPerRun} reached";
                        skipped++;
                        continue;
                    }
                    var latest = group.OrderByDescending(d => d.DeliveredAt).First();
                    await SendAsync(hook, HttpMethod.Post, new Uri(_base, $"{hook.DeliveriesPath}/{latest.Id.ToString(CultureInfo.InvariantCulture)}/attempts"), ct);
                    redelivered++;
                    RedeliveryMetrics.Requested.Add(1);
                    LogRedelivered(_logger, hook.Text, latest.Id, latest.Guid, latest.Event, latest.StatusCode);
                }
            }
            catch (RedeliveryStoppedException ex)
            {
                stopped = ex.Message;
                LogStopped(_logger, hook.Text, ex.Message);
                break;
            }
            catch (HttpRequestException ex)
            {
                RedeliveryMetrics.HookErrors.Add(1);
                LogHookFailed(_logger, ex, hook.Text);
            }
        }
        var result = new RedeliveryRunResult(hooks.Count, listed, failed, redelivered, skipped, stopped);
        LogRun(_logger, result.Hooks, result.Listed, result.Failed, result.Redelivered, result.Skipped);
        return result;
    }

    private async Task<List<HookDelivery>> ListAsync(RedeliveryHook hook, DateTimeOffset since, CancellationToken ct)
    {
        var all = new List<HookDelivery>();
        Uri? next = new(_base, $"{hook.DeliveriesPath}?per_page=100");
        for (var page = 0; next is not null && page < _options.MaxPages; page++)
        {
            using var response = await SendAsync(hook, HttpMethod.Get, next, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var items = await JsonSerializer.DeserializeAsync<List<HookDelivery>>(body, cancellationToken: ct) ?? [];
            all.AddRange(items.Where(d => d.DeliveredAt >= since));
            // Newest first: once a page reaches past the window, older pages are not needed.
            next = items.Count == 0 || items.Any(d => d.DeliveredAt < since) ? null : NextLink(response);
        }
        return all;
    }

    private async Task<HttpResponseMessage> SendAsync(RedeliveryHook hook, HttpMethod method, Uri uri, CancellationToken ct)
    {
        if (_remaining is { } left && left < _options.MinRemainingQuota)
        {
            throw new RedeliveryStoppedException($"X-RateLimit-Remaining is {left}, below the floor GitHub:Redelivery:MinRemainingQuota={_options.MinRemainingQuota}");
        }
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            var credential = hook.Kind == RedeliveryHookKind.App ? GitHubAppJwt.Create(_options.AppId!, _options.PrivateKey!, _clock.GetUtcNow()) : _token;
            if (credential is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
            }
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var remaining = IntHeader(response, "X-RateLimit-Remaining");
            var code = (int)response.StatusCode;
            if (code == 429 || (code == 403 && (remaining == 0 || response.Headers.RetryAfter is not null)))
            {
                var wait = RetryWait(response);
                response.Dispose();
                if (wait > _options.MaxInlineRateLimitWait || attempt >= 2)
                {
                    throw new RedeliveryStoppedException($"rate limited by GitHub (HTTP {code}), asked to wait {wait.TotalSeconds:F0}s; GitHub:Redelivery:MaxInlineRateLimitWait is {_options.MaxInlineRateLimitWait}");
                }
                if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
                await Task.Delay(wait, _clock, ct);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(ct);
                response.Dispose();
                throw new HttpRequestException($"{method} {uri.PathAndQuery} answered {status}: {(text.Length > 300 ? text[..300] : text)}", null, (HttpStatusCode)status);
            }
            _remaining = remaining ?? _remaining;
            return response;
        }
    }

    private static TimeSpan RetryWait(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta) return delta;
        if (response.Headers.RetryAfter?.Date is { } date) return date - DateTimeOffset.UtcNow;
        if (IntHeader(response, "X-RateLimit-Reset") is { } reset) return DateTimeOffset.FromUnixTimeSeconds(reset) - DateTimeOffset.UtcNow;
        return TimeSpan.FromSeconds(60);
    }

    private static long? IntHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static Uri? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        foreach (Match m in LinkNext().Matches(string.Join(",", values)))
        {
            return new Uri(m.Groups[1].Value);
        }
        return null;
    }

    [GeneratedRegex("<([^>]+)>\\s*;\\s*rel=\"next\"")]
    private static partial Regex LinkNext();

    public void Dispose()
    {
        _http.Dispose();
        _single.Dispose();
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Redelivery requested for hook {Hook} delivery {DeliveryId} (guid {Guid}, event {Event}, status {StatusCode})")]
    private static partial void LogRedelivered(ILogger logger, string hook, long deliveryId, string guid, string? @event, int statusCode);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Redelivery run stopped at hook {Hook}: {Reason}; the next run continues")]
    private static partial void LogStopped(ILogger logger, string hook, string reason);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "Redelivery: listing or redelivering hook {Hook} failed; the next run tries again")]
    private static partial void LogHookFailed(ILogger logger, Exception ex, string hook);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Redelivery run: {Hooks} hook(s), {Listed} deliveries listed, {Failed} failed guid(s), {Redelivered} redelivered, {Skipped} skipped")]
    private static partial void LogRun(ILogger logger, int hooks, int listed, int failed, int redelivered, int skipped);
}
