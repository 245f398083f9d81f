using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Api.Dashboard;

/// <summary>
/// Serves the dashboard: the page and its assets (HTML, JS, CSS and the ECharts bundle) are embedded resources of this
/// assembly. The page gets a &lt;base href&gt; from the request path, so it works at <c>/dashboard</c> on the local host
/// and at <c>/api/dashboard</c> on the Functions host, and calls the API under the same prefix.
/// </summary>
public static class DashboardHandlers
{
    private const string Prefix = "Pipeline.Api.Dashboard.";
    // Bounded by construction: only names of embedded resources are ever cached (an unknown name is a 404, never an entry).
    private static readonly ConcurrentDictionary<string, (byte[] Bytes, string ETag)> Assets = new(StringComparer.Ordinal);
    private static readonly HashSet<string> Embedded = typeof(DashboardHandlers).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Entries in the asset cache (at most the number of embedded assets).</summary>
    internal static int CachedCount => Assets.Count;

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".html"] = "text/html; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    };

    /// <summary>The asset names available (for tests and diagnostics).</summary>
    public static IReadOnlyList<string> AssetNames => typeof(DashboardHandlers).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).Order(StringComparer.Ordinal).ToList();

    /// <summary><c>GET /dashboard</c>: the page (<c>GET /dashboard/runs</c>, <c>/jobs</c>, <c>/drift</c>: <c>runs.html</c>,
    /// <c>jobs.html</c>, <c>drift.html</c>, with the same base).</summary>
    public static IResult GetPage(HttpRequest request, string page = "index.html")
    {
        var composed = Pages.GetOrAdd(page, Compose);
        var path = (request.PathBase + request.Path).Value ?? "/dashboard";
        if (page != "index.html" && path.LastIndexOf('/') > 0) path = path[..path.TrimEnd('/').LastIndexOf('/')];
        var basePath = path.EndsWith('/') ? path : path + "/";
        // The API lives next to the dashboard: /api on the local host (/dashboard), /api on Functions (/api/dashboard).
        var apiBase = (request.PathBase.Value ?? "") + "/api";
        var html = composed
            .Replace("{{BASE}}", System.Net.WebUtility.HtmlEncode(basePath), StringComparison.Ordinal)
            .Replace("{{API}}", System.Net.WebUtility.HtmlEncode(apiBase), StringComparison.Ordinal);
        request.HttpContext.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    /// <summary><c>GET /dashboard/assets/{file}</c>: an embedded asset with an ETag (304 when unchanged); 404 otherwise.</summary>
    public static IResult GetAsset(HttpRequest request, string file)
    {
        // Pages are served only through their routes (they need the base and API substitution).
        if (file.Contains('/') || file.Contains('\\') || file.Contains("..", StringComparison.Ordinal)
            || file.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.NotFound();
        }
        var asset = Load(file);
        if (asset is null) return TypedResults.NotFound();
        var (bytes, etag) = asset.Value;
        var headers = request.HttpContext.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = "public, max-age=300";
        if (request.Headers.IfNoneMatch.Contains(etag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        var type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        return TypedResults.Bytes(bytes, type);
    }

    // The pages composed with the layout (bounded: only the fixed page names of the routes are ever composed).
    private static readonly ConcurrentDictionary<string, string> Pages = new(StringComparer.Ordinal);

    private static readonly System.Text.RegularExpressions.Regex PageLine = new(
        @"^<!-- page title=""(?<title>[^""]*)"" brand=""(?<brand>[^""]*)""(?<charts> charts)? -->\n", System.Text.RegularExpressions.RegexOptions.Compiled);

    /// <summary>A page in the layout: its first line names its title, brand and whether it draws charts (the chart library
    /// goes in the head); the rest is what follows the top bar's brand.</summary>
    private static string Compose(string page)
    {
        static string Text(string name) => System.Text.Encoding.UTF8.GetString((Load(name) ?? throw new InvalidOperationException($"Dashboard page {name} is not embedded")).Bytes);
        var body = Text(page).ReplaceLineEndings("\n");
        var line = PageLine.Match(body);
        if (!line.Success) throw new InvalidOperationException($"Dashboard page {page} does not start with its <!-- page title=\"…\" brand=\"…\" --> line");
        return Text("Layout.html")
            .Replace("{{TITLE}}", line.Groups["title"].Value, StringComparison.Ordinal)
            .Replace("{{BRAND}}", line.Groups["brand"].Value, StringComparison.Ordinal)
            .Replace("{{HEAD}}", line.Groups["charts"].Success ? "  <script src=\"assets/echarts.min.js\"></script>\n" : "", StringComparison.Ordinal)
            .Replace("{{CONTENT}}", body[line.Length..], StringComparison.Ordinal);
    }

    private static (byte[] Bytes, string ETag)? Load(string file) => !Embedded.Contains(file) ? null : Assets.GetOrAdd(file, name =>
    {
        using var stream = typeof(DashboardHandlers).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException($"Embedded dashboard asset '{name}' is missing");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        return (bytes, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
    });
}
