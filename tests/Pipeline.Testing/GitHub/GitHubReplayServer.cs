using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Testing.GitHub;

/// <summary>A request the replay server received.</summary>
public sealed record ReplayRequest(string Path, string Query, string? IfNoneMatch, string? Accept, string? Authorization, int Status);

/// <summary>The repository data a <see cref="GitHubReplayServer"/> serves; tests add items between poll runs.</summary>
public sealed class ReplayRepository(string fullName)
{
    public string FullName { get; } = fullName;
    public List<JsonObject> Issues { get; } = [];
    public List<JsonObject> Stargazers { get; } = [];
    public List<JsonObject> Releases { get; } = [];
    public List<JsonObject> WorkflowRuns { get; } = [];

    /// <summary>The answer of <c>GET /repos/{owner}/{repo}</c> (null: 404), with a strong ETag and 304 on If-None-Match.</summary>
    public JsonObject? Metadata { get; set; }
}

/// <summary>
/// Kestrel on 127.0.0.1 (free port) replaying GitHub REST behaviour for the poller: recorded-shape JSON
/// (<see cref="GitHubRestFixtures"/>), strong ETags with If-None-Match → 304 (not counted against the quota, as GitHub does
/// for conditional requests), Link rel="next"/"last" pagination with <c>page</c>/<c>per_page</c>, <c>since</c> filtering and
/// ordering of issues, <c>star+json</c> stargazers, X-RateLimit-* headers with a scripted quota (403 "API rate limit
/// exceeded" at zero until the reset), and scripted failures (502s, 403/429 with Retry-After).
/// </summary>
public sealed class GitHubReplayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ReplayRepository> _repos = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<ReplayRequest> _requests = new();
    private readonly Queue<(int Status, string? PathContains, int? RetryAfterSeconds)> _failures = new();
    private readonly Lock _gate = new();

    private GitHubReplayServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Rate limit served in headers; each 200 spends one, 304s spend none.</summary>
    public int RateLimit { get; set; } = 5000;
    public int RateRemaining { get; set; } = 5000;
    public DateTimeOffset RateReset { get; set; } = DateTimeOffset.UtcNow.AddHours(1);

    public IReadOnlyList<ReplayRequest> Requests => _requests.ToArray();

    public void ClearRequests() => _requests.Clear();

    public ReplayRepository Repo(string fullName) => _repos.GetOrAdd(fullName, n => new ReplayRepository(n));

    /// <summary>The next <paramref name="times"/> matching requests fail with <paramref name="status"/> (a 403/429 carries Retry-After when given).</summary>
    public void FailNext(int status, int times = 1, string? pathContains = null, int? retryAfterSeconds = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++) _failures.Enqueue((status, pathContains, retryAfterSeconds));
        }
    }

    public static async Task<GitHubReplayServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new GitHubReplayServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        server.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        var status = await RespondAsync(ctx);
        _requests.Enqueue(new ReplayRequest(req.Path, req.QueryString.Value ?? "", req.Headers.IfNoneMatch.FirstOrDefault(),
            req.Headers.Accept.FirstOrDefault(), req.Headers.Authorization.FirstOrDefault(), status));
    }

    private async Task<int> RespondAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        var res = ctx.Response;
        (int Status, string? PathContains, int? RetryAfterSeconds)? failure = null;
        lock (_gate)
        {
            if (_failures.TryPeek(out var f) && (f.PathContains is null || req.Path.Value!.Contains(f.PathContains, StringComparison.Ordinal)))
            {
                failure = _failures.Dequeue();
            }
        }
        if (failure is { } fail)
        {
            WriteRateHeaders(res);
            if (fail.RetryAfterSeconds is { } ra) res.Headers.RetryAfter = ra.ToString(CultureInfo.InvariantCulture);
            res.StatusCode = fail.Status;
            res.ContentType = "application/json; charset=utf-8";
            var message = fail.Status is 403 or 429 ? "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." : "Server Error";
            await res.WriteAsync($$"""{"message":"{{message}}","documentation_url":"https://docs.github.com/rest","status":"{{fail.Status}}"}""");
            return fail.Status;
        }

        if (RateRemaining <= 0 && RateReset > DateTimeOffset.UtcNow)
        {
            WriteRateHeaders(res);
            res.StatusCode = 403;
            res.ContentType = "application/json; charset=utf-8";
            await res.WriteAsync("""{"message":"API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}""");
            return 403;
        }
        if (RateRemaining <= 0)
        {
            RateRemaining = RateLimit;
            RateReset = DateTimeOffset.UtcNow.AddHours(1);
        }

        var segments = req.Path.Value!.Trim('/').Split('/');
        if (segments.Length == 3 && segments[0] == "repos")
        {
            JsonObject? metadata = null;
            lock (_gate)
            {
                if (_repos.TryGetValue(segments[1] + "/" + segments[2], out var r)) metadata = (JsonObject?)r.Metadata?.DeepClone();
            }
            if (metadata is null) return await NotFound(res);
            var metaBody = Encoding.UTF8.GetBytes(metadata.ToJsonString());
            var metaTag = ETagOf(metaBody);
            res.Headers.ETag = metaTag;
            return await WriteUnlessNotModifiedAsync(req, res, metaBody, metaTag);
        }
        if (segments.Length < 4 || segments[0] != "repos" || !_repos.TryGetValue(segments[1] + "/" + segments[2], out var repo))
        {
            return await NotFound(res);
        }
        var resource = string.Join('/', segments[3..]);
        var perPage = Math.Clamp(IntQuery(req, "per_page") ?? 30, 1, 100);
        var page = Math.Max(1, IntQuery(req, "page") ?? 1);
        List<JsonNode> items;
        Func<List<JsonNode>, JsonNode> shape = list => new JsonArray([.. list.Select(n => n.DeepClone())]);
        lock (_gate)
        {
            switch (resource)
            {
                case "issues":
                    var since = req.Query["since"].FirstOrDefault() is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
                    IEnumerable<JsonObject> issues = repo.Issues.Where(i => since is null || Time(i, "updated_at") >= since);
                    var asc = req.Query["direction"] == "asc";
                    var ordered = req.Query["sort"] == "updated"
                        ? (asc ? issues.OrderBy(i => Time(i, "updated_at")) : issues.OrderByDescending(i => Time(i, "updated_at")))
                        : issues.OrderByDescending(i => Time(i, "created_at"));
                    items = [.. ordered.ThenBy(i => (int)i["number"]!)];
                    break;
                case "stargazers":
                    var starJson = req.Headers.Accept.ToString().Contains("application/vnd.github.star+json", StringComparison.Ordinal);
                    items = [.. repo.Stargazers.OrderBy(s => Time(s, "starred_at")).Select(s => starJson ? s : s["user"]!)];
                    break;
                case "releases":
                    items = [.. repo.Releases.OrderByDescending(r => (long)r["id"]!)];
                    break;
                case "actions/runs":
                    items = [.. repo.WorkflowRuns.OrderByDescending(r => (long)r["id"]!)];
                    var total = items.Count;
                    shape = list => new JsonObject { ["total_count"] = total, ["workflow_runs"] = new JsonArray([.. list.Select(n => n.DeepClone())]) };
                    break;
                default:
                    items = [];
                    break;
            }
        }
        if (resource is not ("issues" or "stargazers" or "releases" or "actions/runs")) return await NotFound(res);

        var pageItems = items.Skip((page - 1) * perPage).Take(perPage).ToList();
        var lastPage = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var body = Encoding.UTF8.GetBytes(shape(pageItems).ToJsonString());
        var etag = ETagOf(body);
        res.Headers.ETag = etag;
        res.Headers.CacheControl = "private, max-age=60, s-maxage=60";
        res.Headers.Vary = "Accept, Authorization, Cookie, X-GitHub-OTP";
        var links = new List<string>();
        if (page < lastPage)
        {
            links.Add($"<{PageUrl(req, page + 1)}>; rel=\"next\"");
            links.Add($"<{PageUrl(req, lastPage)}>; rel=\"last\"");
        }
        if (page > 1)
        {
            links.Add($"<{PageUrl(req, 1)}>; rel=\"first\"");
            links.Add($"<{PageUrl(req, page - 1)}>; rel=\"prev\"");
        }
        if (links.Count > 0) res.Headers["Link"] = string.Join(", ", links);

        return await WriteUnlessNotModifiedAsync(req, res, body, etag);
    }

    private static string ETagOf(byte[] body) => "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..32] + "\"";

    /// <summary>As GitHub: 304 without spending the rate limit when the request names the body's ETag, else 200 with it.</summary>
    private async Task<int> WriteUnlessNotModifiedAsync(HttpRequest req, HttpResponse res, byte[] body, string etag)
    {
        if (req.Headers.IfNoneMatch.Any(v => v == etag || v == "W/" + etag))
        {
            WriteRateHeaders(res);
            res.StatusCode = 304;
            return 304;
        }
        RateRemaining--;
        WriteRateHeaders(res);
        res.StatusCode = 200;
        res.ContentType = "application/json; charset=utf-8";
        await res.Body.WriteAsync(body);
        return 200;
    }

    private static async Task<int> NotFound(HttpResponse res)
    {
        res.StatusCode = 404;
        res.ContentType = "application/json; charset=utf-8";
        await res.WriteAsync("""{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}""");
        return 404;
    }

    private void WriteRateHeaders(HttpResponse res)
    {
        res.Headers["X-RateLimit-Limit"] = RateLimit.ToString(CultureInfo.InvariantCulture);
        res.Headers["X-RateLimit-Remaining"] = Math.Max(0, RateRemaining).ToString(CultureInfo.InvariantCulture);
        res.Headers["X-RateLimit-Reset"] = RateReset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        res.Headers["X-RateLimit-Used"] = (RateLimit - Math.Max(0, RateRemaining)).ToString(CultureInfo.InvariantCulture);
        res.Headers["X-RateLimit-Resource"] = "core";
        res.Headers["X-GitHub-Media-Type"] = "github.v3; format=json";
    }

    private string PageUrl(HttpRequest req, int page)
    {
        var query = req.Query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={page}");
        return new Uri(BaseUrl, req.Path.Value!.TrimStart('/') + "?" + string.Join('&', query)).AbsoluteUri;
    }

    private static int? IntQuery(HttpRequest req, string name) =>
        int.TryParse(req.Query[name].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static DateTimeOffset Time(JsonNode node, string name) => DateTimeOffset.Parse((string)node[name]!, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
