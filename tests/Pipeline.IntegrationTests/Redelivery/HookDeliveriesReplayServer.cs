using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pipeline.IntegrationTests.Redelivery;

/// <summary>A local HTTP server answering GitHub's hook deliveries API with recorded-shape responses: newest-first pages
/// with <c>Link: rel="next"</c> cursors, rate-limit headers, and <c>POST .../attempts</c> adding the redelivered attempt
/// (same guid, <c>redelivery: true</c>) as GitHub does.</summary>
internal sealed class HookDeliveriesReplayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<JsonObject>> _hooks = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Method, string Path, string? Authorization)> _requests = new();
    private readonly object _gate = new();
    private long _nextId = 90_000_000;

    private HookDeliveriesReplayServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public int PageSize { get; set; } = 2;

    public int RateRemaining { get; set; } = 5000;

    /// <summary>Answers the next this-many requests with 429 and Retry-After: 1.</summary>
    public int TooManyRequests { get; set; }

    /// <summary>What a redelivered attempt answers (200 OK by default).</summary>
    public int RedeliveredStatusCode { get; set; } = 200;

    public IReadOnlyList<(string Method, string Path, string? Authorization)> Requests => _requests.ToArray();

    public IReadOnlyList<string> Attempts => _requests.Where(r => r.Method == "POST").Select(r => r.Path).ToList();

    public static async Task<HookDeliveriesReplayServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new HookDeliveriesReplayServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        server.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>A delivery in GitHub's list shape; <paramref name="ago"/> before now.</summary>
    public JsonObject Add(string deliveriesPath, string guid, TimeSpan ago, int statusCode, bool redelivery = false, string @event = "issues")
    {
        lock (_gate)
        {
            var item = Delivery(++_nextId, guid, DateTimeOffset.UtcNow - ago, statusCode, redelivery, @event);
            var list = _hooks.GetOrAdd(deliveriesPath, _ => []);
            list.Add(item);
            list.Sort((a, b) => string.CompareOrdinal((string)b["delivered_at"]!, (string)a["delivered_at"]!));
            return item;
        }
    }

    private static JsonObject Delivery(long id, string guid, DateTimeOffset at, int statusCode, bool redelivery, string @event) => new()
    {
        ["id"] = id,
        ["guid"] = guid,
        ["delivered_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["redelivery"] = redelivery,
        ["duration"] = 0.27,
        ["status"] = statusCode is >= 200 and < 300 ? "OK" : statusCode == 0 ? "timed out" : "Invalid HTTP Response: " + statusCode,
        ["status_code"] = statusCode,
        ["event"] = @event,
        ["action"] = "opened",
        ["installation_id"] = null,
        ["repository_id"] = null,
        ["throttled_at"] = null,
    };

    private async Task HandleAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        var res = ctx.Response;
        var path = req.Path.Value!.Trim('/');
        _requests.Enqueue((req.Method, path, req.Headers.Authorization.FirstOrDefault()));
        res.Headers["X-RateLimit-Limit"] = "5000";
        res.Headers["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        lock (_gate)
        {
            RateRemaining = Math.Max(0, RateRemaining - 1);
            res.Headers["X-RateLimit-Remaining"] = RateRemaining.ToString(CultureInfo.InvariantCulture);
        }
        if (TooManyRequests > 0)
        {
            TooManyRequests--;
            res.StatusCode = 429;
            res.Headers.RetryAfter = "1";
            await res.WriteAsync("""{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest"}""");
            return;
        }
        res.ContentType = "application/json; charset=utf-8";
        var attempt = path.LastIndexOf("/deliveries/", StringComparison.Ordinal);
        if (req.Method == "POST" && path.EndsWith("/attempts", StringComparison.Ordinal) && attempt > 0)
        {
            var hookPath = path[..(attempt + "/deliveries".Length)];
            var id = long.Parse(path[(attempt + "/deliveries/".Length)..^"/attempts".Length], CultureInfo.InvariantCulture);
            var original = _hooks.TryGetValue(hookPath, out var l) ? l.FirstOrDefault(d => (long)d["id"]! == id) : null;
            if (original is null)
            {
                res.StatusCode = 404;
                await res.WriteAsync("""{"message":"Not Found","documentation_url":"https://docs.github.com/rest/webhooks/repo-deliveries"}""");
                return;
            }
            Add(hookPath, (string)original["guid"]!, TimeSpan.Zero, RedeliveredStatusCode, redelivery: true);
            res.StatusCode = 202;
            await res.WriteAsync("{}");
            return;
        }
        if (req.Method == "GET" && _hooks.TryGetValue(path, out var deliveries))
        {
            var cursor = int.TryParse(req.Query["cursor"], CultureInfo.InvariantCulture, out var c) ? c : 0;
            JsonObject[] page;
            lock (_gate)
            {
                page = deliveries.Skip(cursor).Take(PageSize).Select(d => (JsonObject)d.DeepClone()).ToArray();
            }
            if (cursor + PageSize < deliveries.Count)
            {
                res.Headers["Link"] = $"<{BaseUrl}{path}?per_page=100&cursor={cursor + PageSize}>; rel=\"next\"";
            }
            await res.WriteAsync(new JsonArray(page).ToJsonString());
            return;
        }
        res.StatusCode = 404;
        await res.WriteAsync("""{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}""");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
