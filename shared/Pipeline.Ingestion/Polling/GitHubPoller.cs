using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;

namespace Pipeline.Ingestion.Polling;

/// <summary>
/// Polls the configured repositories through the GitHub REST API and publishes what is new:
/// issues and pull requests (<c>/issues?state=all&amp;since=…&amp;sort=updated&amp;direction=asc</c>), stargazers with
/// timestamps (<c>application/vnd.github.star+json</c>), releases, and workflow runs. Every request is conditional
/// (If-None-Match with the saved ETag; a 304 publishes nothing and costs no quota), pagination follows Link rel="next",
/// and the state (watermarks, ETags) is saved only after the events it covers are published — so a restart neither
/// re-publishes nor skips. When the quota reaches <see cref="PollerOptions.MinRemainingQuota"/> or GitHub asks for a long
/// wait, the run stops and polling stays paused until the reset time (persisted, so every instance honours it).
/// </summary>
public sealed partial class GitHubPoller
{
    private const string StarMediaType = "application/vnd.github.star+json";
    private const int MaxSeenRuns = 2000;
    private readonly GitHubRestClient _client;
    private readonly IEventPublisher _publisher;
    private readonly IPollerStateStore _state;
    private readonly PollerOptions _options;
    private readonly ILogger<GitHubPoller> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _single = new(1, 1);
    private readonly IRepositoryLanguageGaps? _gaps;

    public GitHubPoller(GitHubRestClient client, IEventPublisher publisher, IPollerStateStore state, IOptions<PollerOptions> options, ILogger<GitHubPoller> logger,
        TimeProvider? time = null, IRepositoryLanguageGaps? gaps = null)
    {
        _gaps = gaps;
        _client = client;
        _publisher = publisher;
        _state = state;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        if (!_client.IsAuthenticated)
        {
            GitHubPollerLog.PollingUnauthenticated(_logger);
        }
    }

    /// <summary>Polls every configured repository and resource once. Runs do not overlap (a second call waits).</summary>
    public async Task<PollRunResult> PollAllAsync(CancellationToken ct = default)
    {
        await _single.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var global = await _state.LoadGlobalAsync(ct).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            if (global.PausedUntil is { } until && until > now)
            {
                GitHubPollerLog.PollingPaused(_logger, until, global.PauseReason);
                return new PollRunResult([], until, global.PauseReason, _client.Budget.Remaining);
            }
            if (global.PausedUntil is not null) await _state.SaveGlobalAsync(new GlobalPollState(), ct).ConfigureAwait(false);

            var results = new List<PollResult>();
            foreach (var repo in _options.RepositoryList())
            {
                foreach (var resource in _options.Resources)
                {
                    var counter = new Counter();
                    try
                    {
                        await (resource switch
                        {
                            PollResources.Issues => PollIssuesAsync(repo, counter, ct),
                            PollResources.Stargazers => PollStargazersAsync(repo, counter, ct),
                            PollResources.Releases => PollReleasesAsync(repo, counter, ct),
                            PollResources.WorkflowRuns => PollWorkflowRunsAsync(repo, counter, ct),
                            _ => throw new InvalidOperationException($"unknown resource {resource}"),
                        }).ConfigureAwait(false);
                        results.Add(counter.Result(repo, resource));
                    }
                    catch (QuotaExhaustedException ex)
                    {
                        results.Add(counter.Result(repo, resource, ex.Message));
                        await _state.SaveGlobalAsync(new GlobalPollState { PausedUntil = ex.ResumeAt, PauseReason = ex.Message }, ct).ConfigureAwait(false);
                        GitHubPollerLog.PollingStoppedByQuota(_logger, ex.Message, ex.ResumeAt);
                        return new PollRunResult(results, ex.ResumeAt, ex.Message, _client.Budget.Remaining);
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested)
                    {
                        GitHubPollerLog.PollingFailed(_logger, ex, resource, repo);
                        results.Add(counter.Result(repo, resource, ex is Octokit.ApiException api ? $"GitHub answered {(int)api.StatusCode}: {api.Message}" : ex.Message));
                    }
                }
            }
            try
            {
                await LookupLanguagesAsync(results, ct).ConfigureAwait(false);
            }
            catch (QuotaExhaustedException ex)
            {
                await _state.SaveGlobalAsync(new GlobalPollState { PausedUntil = ex.ResumeAt, PauseReason = ex.Message }, ct).ConfigureAwait(false);
                LogLookupQuotaStop(_logger, ex.Message, ex.ResumeAt);
                return new PollRunResult(results, ex.ResumeAt, ex.Message, _client.Budget.Remaining);
            }
            var run = new PollRunResult(results, null, null, _client.Budget.Remaining);
            GitHubPollerLog.PollRunDone(_logger, run.Published, run.Requests, results.Sum(r => r.NotModified), _client.Budget.Remaining);
            return run;
        }
        finally
        {
            _single.Release();
        }
    }

    private sealed class Counter
    {
        public int Requests, NotModified, Published;

        public PollResult Result(string repo, string resource, string? error = null) => new(repo, resource, Requests, NotModified, Published, error);
    }

    /// <summary>GETs a page, conditional on the ETag the previous run saved for this exact URL.</summary>
    private async Task<GitHubPage> GetAsync(Uri url, IReadOnlyDictionary<string, string> previousETags, Counter counter, string? accept, CancellationToken ct)
    {
        counter.Requests++;
        var page = await _client.GetPageAsync(url, previousETags.GetValueOrDefault(url.AbsoluteUri), accept, ct).ConfigureAwait(false);
        if (page.NotModified) counter.NotModified++;
        return page;
    }

    private async Task PublishAsync(IReadOnlyList<GitHubEvent> events, Counter counter, CancellationToken ct)
    {
        if (events.Count == 0) return;
        await _publisher.PublishAsync(events, ct).ConfigureAwait(false);
        counter.Published += events.Count;
    }

    private async Task PollIssuesAsync(string repo, Counter counter, CancellationToken ct)
    {
        var state = await _state.LoadAsync(repo, PollResources.Issues, ct).ConfigureAwait(false) ?? new ResourcePollState();
        var query = $"repos/{repo}/issues?state=all&sort=updated&direction=asc&per_page={_options.PerPage}";
        if (state.QuerySince is { } since) query += "&since=" + Uri.EscapeDataString(GitHubEventNormalizer.FormatTime(since));
        var url = _client.Resolve(query);
        var previous = state.ETags;
        var etags = new Dictionary<string, string>();
        for (var pageNo = 0; pageNo < _options.MaxPages && url is not null; pageNo++)
        {
            var page = await GetAsync(url, previous, counter, null, ct).ConfigureAwait(false);
            if (page.ETag is not null) etags[url.AbsoluteUri] = page.ETag;
            if (page.NotModified)
            {
                state = state with { ETags = etags, LastPolledAt = _time.GetUtcNow() };
                break;
            }
            var now = _time.GetUtcNow();
            var events = ParseArray(page.Body, repo, "issues").Select(i => GitHubEventNormalizer.FromPolledIssue(repo, i, now)).ToList();
            var fresh = events.Where(e => IsNew(e, state)).ToList();
            await PublishAsync(fresh, counter, ct).ConfigureAwait(false);
            state = Advance(state, events) with { ETags = etags, LastPolledAt = now };
            // More than a page behind: move `since` up so a restart resumes here. Within one page keep the URL stable for 304s.
            if (page.Next is not null || events.Count >= _options.PerPage) state = state with { QuerySince = state.Watermark };
            await _state.SaveAsync(repo, PollResources.Issues, state, ct).ConfigureAwait(false);
            url = page.Next;
        }
        await _state.SaveAsync(repo, PollResources.Issues, state, ct).ConfigureAwait(false);
    }

    private async Task PollStargazersAsync(string repo, Counter counter, CancellationToken ct)
    {
        var state = await _state.LoadAsync(repo, PollResources.Stargazers, ct).ConfigureAwait(false) ?? new ResourcePollState();
        var pageNumber = Math.Max(1, state.ResumePage);
        Uri? url = _client.Resolve($"repos/{repo}/stargazers?per_page={_options.PerPage}&page={pageNumber}");
        var previous = state.ETags;
        var etags = new Dictionary<string, string>();
        for (var pageNo = 0; pageNo < _options.MaxPages && url is not null; pageNo++)
        {
            var page = await GetAsync(url, previous, counter, StarMediaType, ct).ConfigureAwait(false);
            if (page.ETag is not null) etags[url.AbsoluteUri] = page.ETag;
            if (page.NotModified)
            {
                state = state with { ETags = etags, LastPolledAt = _time.GetUtcNow() };
                break;
            }
            var now = _time.GetUtcNow();
            var items = ParseArray(page.Body, repo, "stargazers");
            var events = items.Select(s => GitHubEventNormalizer.FromPolledStargazer(repo, s, now)).ToList();
            await PublishAsync(events.Where(e => IsNew(e, state)).ToList(), counter, ct).ConfigureAwait(false);
            pageNumber = PageNumber(url) ?? pageNumber;
            // A full page means later stars start on the next page; a partial one will still grow.
            var resume = items.Count >= _options.PerPage ? pageNumber + 1 : pageNumber;
            state = Advance(state, events) with { ResumePage = resume, ETags = etags, LastPolledAt = now };
            await _state.SaveAsync(repo, PollResources.Stargazers, state, ct).ConfigureAwait(false);
            url = page.Next;
        }
        await _state.SaveAsync(repo, PollResources.Stargazers, state, ct).ConfigureAwait(false);
    }

    private async Task PollReleasesAsync(string repo, Counter counter, CancellationToken ct)
    {
        var state = await _state.LoadAsync(repo, PollResources.Releases, ct).ConfigureAwait(false) ?? new ResourcePollState();
        Uri? url = _client.Resolve($"repos/{repo}/releases?per_page={_options.PerPage}");
        var previous = state.ETags;
        var etags = new Dictionary<string, string>();
        var fresh = new List<JsonElement>();
        // Newest first: collect until a known release (or the end), then publish oldest first and move the watermark once,
        // so a crash mid-walk never leaves a watermark above releases that were not published.
        for (var pageNo = 0; pageNo < _options.MaxPages && url is not null; pageNo++)
        {
            var page = await GetAsync(url, previous, counter, null, ct).ConfigureAwait(false);
            if (page.ETag is not null) etags[url.AbsoluteUri] = page.ETag;
            if (page.NotModified) break;
            var items = ParseArray(page.Body, repo, "releases");
            var newer = items.Where(r => r.GetProperty("id").GetInt64() > state.MaxId).ToList();
            fresh.AddRange(newer);
            if (newer.Count < items.Count) break;
            url = page.Next;
        }
        var now = _time.GetUtcNow();
        var events = fresh.OrderBy(r => r.GetProperty("id").GetInt64()).Select(r => GitHubEventNormalizer.FromPolledRelease(repo, r, now)).ToList();
        await PublishAsync(events, counter, ct).ConfigureAwait(false);
        var maxId = fresh.Count == 0 ? state.MaxId : Math.Max(state.MaxId, fresh.Max(r => r.GetProperty("id").GetInt64()));
        await _state.SaveAsync(repo, PollResources.Releases, state with { MaxId = maxId, ETags = etags, LastPolledAt = now }, ct).ConfigureAwait(false);
    }

    private async Task PollWorkflowRunsAsync(string repo, Counter counter, CancellationToken ct)
    {
        var state = await _state.LoadAsync(repo, PollResources.WorkflowRuns, ct).ConfigureAwait(false) ?? new ResourcePollState();
        Uri? url = _client.Resolve($"repos/{repo}/actions/runs?per_page={_options.PerPage}");
        var previous = state.ETags;
        var etags = new Dictionary<string, string>();
        var changed = new List<JsonElement>();
        // Newest first; a run is new or changed when its updated_at differs from the one last published. The walk stops at
        // the first page with nothing changed (older runs are finished and already seen).
        for (var pageNo = 0; pageNo < _options.MaxPages && url is not null; pageNo++)
        {
            var page = await GetAsync(url, previous, counter, null, ct).ConfigureAwait(false);
            if (page.ETag is not null) etags[url.AbsoluteUri] = page.ETag;
            if (page.NotModified) break;
            using var doc = JsonDocument.Parse(page.Body ?? []);
            if (!doc.RootElement.TryGetProperty("workflow_runs", out var runs) || runs.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"GET {url} did not return an object with workflow_runs[]");
            }
            var pageChanged = runs.EnumerateArray()
                .Where(r => state.Seen.GetValueOrDefault(RunKey(r)) != r.GetProperty("updated_at").GetString())
                .Select(r => r.Clone())
                .ToList();
            changed.AddRange(pageChanged);
            if (pageChanged.Count == 0) break;
            url = page.Next;
        }
        var now = _time.GetUtcNow();
        var events = changed
            .OrderBy(r => GitHubEventNormalizer.Time(r, "updated_at"))
            .Select(r => GitHubEventNormalizer.FromPolledWorkflowRun(repo, r, now))
            .DistinctBy(e => e.Id)
            .ToList();
        await PublishAsync(events, counter, ct).ConfigureAwait(false);
        var seen = new Dictionary<string, string>(state.Seen);
        foreach (var r in changed) seen[RunKey(r)] = r.GetProperty("updated_at").GetString()!;
        if (seen.Count > MaxSeenRuns)
        {
            seen = seen.OrderByDescending(kv => long.Parse(kv.Key, CultureInfo.InvariantCulture)).Take(MaxSeenRuns).ToDictionary();
        }
        await _state.SaveAsync(repo, PollResources.WorkflowRuns, state with { Seen = seen, ETags = etags, LastPolledAt = now }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Fetches <c>GET /repos/{owner}/{repo}</c> for repositories seen without a language (the store's repositories
    /// projection, most recently active first), at most <see cref="PollerOptions.LanguageLookupsPerRun"/> a run and
    /// each at most once per <see cref="PollerOptions.LanguageLookupInterval"/>, conditional on the ETag of the last
    /// answer (a 304 costs no quota), through the same rate-limit floor as every request. Only with a token: anonymous
    /// quota (60 an hour) is kept for the activity resources. The answer is published as a
    /// <see cref="GitHubEventTypes.RepositoryMetadata"/> event, from which the repositories projection takes the language.
    /// </summary>
    private async Task LookupLanguagesAsync(List<PollResult> results, CancellationToken ct)
    {
        if (!_client.IsAuthenticated || _options.LanguageLookupsPerRun <= 0) return;
        var candidates = new List<string>();
        if (_gaps is not null)
        {
            candidates.AddRange(await _gaps.RepositoriesWithoutLanguageAsync(_options.LanguageLookupsPerRun * 5, ct).ConfigureAwait(false));
        }
        var looked = 0;
        var now = _time.GetUtcNow();
        foreach (var repo in candidates.DistinctBy(r => r.ToLowerInvariant()))
        {
            if (looked >= _options.LanguageLookupsPerRun) break;
            var state = await _state.LoadAsync(repo, PollResources.RepositoryMetadata, ct).ConfigureAwait(false) ?? new ResourcePollState();
            if (state.LastPolledAt is { } last && now - last < _options.LanguageLookupInterval) continue;
            looked++;
            var counter = new Counter();
            try
            {
                var url = _client.Resolve($"repos/{repo}");
                var page = await GetAsync(url, state.ETags, counter, null, ct).ConfigureAwait(false);
                var etags = new Dictionary<string, string>();
                if (page.ETag is not null) etags[url.AbsoluteUri] = page.ETag;
                if (!page.NotModified)
                {
                    using var doc = JsonDocument.Parse(page.Body ?? []);
                    await PublishAsync([GitHubEventNormalizer.FromPolledRepository(repo, doc.RootElement.Clone(), _time.GetUtcNow())], counter, ct).ConfigureAwait(false);
                }
                await _state.SaveAsync(repo, PollResources.RepositoryMetadata, state with { ETags = etags, LastPolledAt = _time.GetUtcNow() }, ct).ConfigureAwait(false);
                results.Add(counter.Result(repo, PollResources.RepositoryMetadata));
            }
            catch (Exception ex) when (ex is not QuotaExhaustedException && !ct.IsCancellationRequested)
            {
                // A deleted or private repository answers 404: remember the attempt so it is not asked again every run.
                LogLookupFailed(_logger, ex, repo);
                await _state.SaveAsync(repo, PollResources.RepositoryMetadata, state with { LastPolledAt = _time.GetUtcNow() }, ct).ConfigureAwait(false);
                results.Add(counter.Result(repo, PollResources.RepositoryMetadata, ex is Octokit.ApiException api ? $"GitHub answered {(int)api.StatusCode}: {api.Message}" : ex.Message));
            }
        }
    }

    [LoggerMessage(EventId = 1134, Level = LogLevel.Warning, Message = "Polling stopped during repository metadata lookups: {Reason}. Paused until {Until}")]
    private static partial void LogLookupQuotaStop(ILogger logger, string reason, DateTimeOffset until);

    [LoggerMessage(EventId = 1135, Level = LogLevel.Warning, Message = "Repository metadata of {Repo} could not be fetched; retried after Poller:LanguageLookupInterval")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, string repo);

    private static string RunKey(JsonElement run) => run.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);

    /// <summary>New unless at or before the watermark (at it: unless already published there).</summary>
    private static bool IsNew(GitHubEvent e, ResourcePollState state) =>
        state.Watermark is not { } w || e.CreatedAt > w || (e.CreatedAt == w && !state.AtWatermark.Contains(e.Id));

    /// <summary>Moves the watermark to the newest event time seen and remembers the ids published at exactly that time.</summary>
    private static ResourcePollState Advance(ResourcePollState state, IReadOnlyList<GitHubEvent> events)
    {
        if (events.Count == 0) return state;
        var max = events.Max(e => e.CreatedAt);
        if (state.Watermark is { } w && w > max) return state;
        var at = events.Where(e => e.CreatedAt == max).Select(e => e.Id);
        if (state.Watermark == max) at = at.Concat(state.AtWatermark);
        return state with { Watermark = max, AtWatermark = at.Distinct().ToList() };
    }

    private static List<JsonElement> ParseArray(byte[]? body, string repo, string what)
    {
        using var doc = JsonDocument.Parse(body ?? []);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"GitHub returned a {doc.RootElement.ValueKind} for the {what} of {repo}, not an array");
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static int? PageNumber(Uri url)
    {
        foreach (var part in url.Query.TrimStart('?').Split('&'))
        {
            if (part.StartsWith("page=", StringComparison.Ordinal) && int.TryParse(part[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        }
        return null;
    }
}

/// <summary>The source-generated log messages of GitHubPoller (event ids: docs/architecture.md).</summary>
internal static partial class GitHubPollerLog
{
    [LoggerMessage(EventId = 1118, Level = LogLevel.Warning, Message = "GitHub:Token is not set: the poller runs unauthenticated (60 requests/hour per IP). Set GitHub:Token (env GitHub__Token) for 5,000/hour.")]
    public static partial void PollingUnauthenticated(ILogger logger);

    [LoggerMessage(EventId = 1119, Level = LogLevel.Information, Message = "Polling paused until {Until} ({Reason})")]
    public static partial void PollingPaused(ILogger logger, DateTimeOffset until, string? reason);

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "Polling stopped: {Reason}. Paused until {Until}")]
    public static partial void PollingStoppedByQuota(ILogger logger, string reason, DateTimeOffset until);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Error, Message = "Polling {Resource} of {Repo} failed; its state is unchanged and the next run retries")]
    public static partial void PollingFailed(ILogger logger, Exception exception, string resource, string repo);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Information, Message = "Poll run: {Published} events published, {Requests} requests ({NotModified} not modified), rate limit remaining {Remaining}")]
    public static partial void PollRunDone(ILogger logger, int published, int requests, int notModified, int? remaining);
}
