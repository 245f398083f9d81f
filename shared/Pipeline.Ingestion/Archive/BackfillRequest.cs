using System.Globalization;

namespace Pipeline.Ingestion.Archive;

/// <summary>
/// What to import: explicit <see cref="Files"/> (local paths or http(s) URLs), or an hour range
/// <see cref="From"/>..<see cref="To"/> (inclusive, <c>yyyy-MM-ddTHH</c>, UTC) expanded to GH Archive's
/// <c>{BaseUrl}YYYY-MM-DD-H.json.gz</c> names.
/// </summary>
public sealed record BackfillRequest(IReadOnlyList<string>? Files = null, string? From = null, string? To = null, string? BaseUrl = null)
{
    /// <summary>Keep only these repositories (<c>owner/name</c>).</summary>
    public IReadOnlyList<string>? Repos { get; init; }

    /// <summary>Keep only repositories of these owners (organisations or users).</summary>
    public IReadOnlyList<string>? Orgs { get; init; }

    /// <summary>Keep only these event types (<c>issues</c> or <c>IssuesEvent</c>).</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>The filter the request asks for.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public BackfillFilter Filter => new(Repos, Orgs, Types);

    /// <summary>The first hour and the number of hours of a range request (after <see cref="Resolve"/> succeeded).</summary>
    public (DateTime From, int Hours, string BaseUrl)? Range(BackfillOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Files is { Count: > 0 } || !TryParseHour(From, out var from) || !TryParseHour(To, out var to) || to < from) return null;
        var baseUrl = BaseUrl ?? options.BaseUrl;
        if (!baseUrl.EndsWith('/')) baseUrl += "/";
        return (from, (int)(to - from).TotalHours + 1, baseUrl);
    }

    private static readonly string[] HourFormats = ["yyyy-MM-dd'T'HH", "yyyy-MM-dd'T'H", "yyyy-MM-dd-H", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss'Z'"];

    /// <summary>The sources to import, or a list of problems (each naming the field).</summary>
    public (IReadOnlyList<string> Sources, IReadOnlyList<string> Errors) Resolve(BackfillOptions options)
    {
        var errors = new List<string>();
        var hasFiles = Files is { Count: > 0 };
        var hasRange = From is not null || To is not null;
        if (hasFiles && hasRange) errors.Add("give either 'files' or 'from'/'to', not both");
        if (!hasFiles && !hasRange) errors.Add("'files' (a non-empty list of paths or URLs) or 'from' and 'to' (yyyy-MM-ddTHH) is required");
        errors.AddRange(Filter.Validate());
        if (errors.Count > 0) return ([], errors);

        if (hasFiles)
        {
            var list = new List<string>();
            foreach (var (f, i) in Files!.Select((f, i) => (f, i)))
            {
                if (string.IsNullOrWhiteSpace(f)) errors.Add($"files[{i}] is empty");
                else if (Uri.TryCreate(f, UriKind.Absolute, out var u) && u.Scheme is not ("http" or "https" or "file")) errors.Add($"files[{i}]: only local paths and http(s) URLs are supported, not {u.Scheme}:");
                else list.Add(f.Trim());
            }
            return (list, errors);
        }

        if (!TryParseHour(From, out var from)) errors.Add($"'from' must be an hour like 2024-01-01T00 (got '{From}')");
        if (!TryParseHour(To, out var to)) errors.Add($"'to' must be an hour like 2024-01-01T05 (got '{To}')");
        var baseUrl = BaseUrl ?? options.BaseUrl;
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out _)) errors.Add($"'baseUrl' must be an absolute URL (got '{baseUrl}')");
        if (errors.Count > 0) return ([], errors);
        if (to < from) return ([], ["'to' is before 'from'"]);
        var hours = (int)((to - from).TotalHours) + 1;
        if (hours > options.MaxHours) return ([], [$"the range covers {hours} hours; at most {options.MaxHours} (Backfill:MaxHours) per request"]);
        if (!baseUrl.EndsWith('/')) baseUrl += "/";
        var sources = Enumerable.Range(0, hours).Select(h => baseUrl + FileName(from.AddHours(h))).ToList();
        return (sources, []);
    }

    /// <summary>GH Archive's file name for an hour: <c>2024-01-01-0.json.gz</c> (hour without a leading zero).</summary>
    public static string FileName(DateTime hourUtc) =>
        hourUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "-" + hourUtc.Hour.ToString(CultureInfo.InvariantCulture) + ".json.gz";

    private static bool TryParseHour(string? s, out DateTime hour)
    {
        hour = default;
        if (string.IsNullOrWhiteSpace(s)
            || !DateTime.TryParseExact(s.Trim(), HourFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return false;
        }
        hour = new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);
        return true;
    }
}
