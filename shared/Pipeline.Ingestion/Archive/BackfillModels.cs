using System.Globalization;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Archive;

/// <summary>GH Archive backfill settings (section <c>Backfill</c>).</summary>
public sealed class BackfillOptions
{
    public const string SectionName = "Backfill";

    /// <summary>Events per publish batch.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>Where hourly files are fetched from when a request gives an hour range without a baseUrl.</summary>
    public string BaseUrl { get; set; } = "https://data.gharchive.org/";

    /// <summary>Largest hour range one request may ask for (default 20 years: ranges are chunked, so length costs only time).</summary>
    public int MaxHours { get; set; } = 24 * 366 * 20;

    /// <summary>Files imported at the same time by one backfill orchestration.</summary>
    public int MaxParallelFiles { get; set; } = 2;

    /// <summary>Files one orchestration generation imports before it continues as new (bounds its history).</summary>
    public int ChunkFiles { get; set; } = 24;

    /// <summary>Folders local backfill files must lie under. Empty: the <c>imports/</c> folder of the host's data directory
    /// (<c>Host:DataDirectory</c>), or no local files at all where the host has none.</summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>Hosts (or host:port) backfill URLs and baseUrl may name. Empty: <c>data.gharchive.org</c>. Redirects are never followed.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>When true and a store is configured, a file counts as done only when every event it published is in the store.</summary>
    public bool ConfirmStored { get; set; } = true;

    /// <summary>How long an import activity waits for the consumer to store a file's events before it fails (and is retried).</summary>
    public TimeSpan StoreWaitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The default host of <see cref="AllowedHosts"/>.</summary>
    public const string DefaultHost = "data.gharchive.org";

    /// <summary>The data directory whose <c>imports/</c> folder is the default root (set from <c>Host:DataDirectory</c> when absolute).</summary>
    internal string? DataDirectory { get; set; }

    /// <summary>The roots in force: <see cref="AllowedRoots"/>, else the data directory's <c>imports/</c> folder.</summary>
    public IReadOnlyList<string> EffectiveRoots =>
        AllowedRoots.Where(r => !string.IsNullOrWhiteSpace(r)).ToList() is { Count: > 0 } roots ? roots
        : DataDirectory is { Length: > 0 } d ? [Path.Combine(d, "imports")] : [];

    /// <summary>The hosts in force: <see cref="AllowedHosts"/>, else <c>data.gharchive.org</c>.</summary>
    public IReadOnlyList<string> EffectiveHosts =>
        AllowedHosts.Where(h => !string.IsNullOrWhiteSpace(h)).ToList() is { Count: > 0 } hosts ? hosts : [DefaultHost];

    /// <summary>Null when <paramref name="source"/> (a path or an http(s) URL) may be read, else the reason. The reason does not
    /// echo the source and is the same whether or not a path exists, so answers reveal nothing about the file system.</summary>
    public string? Refusal(string source)
    {
        if (GhArchiveReader.IsUrl(source))
        {
            return Pipeline.Domain.Security.AllowList.IsAllowedHost(source, EffectiveHosts)
                ? null
                : $"the URL is not on an allowed host (Backfill:AllowedHosts: {string.Join(", ", EffectiveHosts)})";
        }
        return Pipeline.Domain.Security.AllowList.IsUnderRoot(source, EffectiveRoots)
            ? null
            : $"the path is not under an allowed folder (Backfill:AllowedRoots{(EffectiveRoots.Count == 0 ? ": none configured" : "")})";
    }

    /// <summary>Timeout of one HTTP(S) file download (the whole streamed file, not the connection).</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How many error messages a result keeps as samples (all errors are counted).</summary>
    public int MaxErrorSamples { get; set; } = 20;
}

public sealed class BackfillOptionsValidator : IValidateOptions<BackfillOptions>
{
    public ValidateOptionsResult Validate(string? name, BackfillOptions o)
    {
        var errors = new List<string>();
        if (o.BatchSize is < 1 or > 100_000) errors.Add("Backfill:BatchSize must be between 1 and 100000");
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _)) errors.Add("Backfill:BaseUrl must be an absolute URL");
        if (o.MaxHours < 1) errors.Add("Backfill:MaxHours must be at least 1");
        if (o.HttpTimeout <= TimeSpan.Zero) errors.Add("Backfill:HttpTimeout must be positive");
        if (o.MaxParallelFiles is < 1 or > 64) errors.Add("Backfill:MaxParallelFiles must be between 1 and 64");
        if (o.ChunkFiles is < 1 or > 10_000) errors.Add("Backfill:ChunkFiles must be between 1 and 10000");
        if (o.StoreWaitTimeout <= TimeSpan.Zero) errors.Add("Backfill:StoreWaitTimeout must be positive");
        if (o.AllowedRoots.Any(r => !string.IsNullOrWhiteSpace(r) && !Path.IsPathRooted(r))) errors.Add("Backfill:AllowedRoots entries must be absolute folders");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

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

/// <summary>Progress of an import, reported after every published batch and at the end of every file.
/// <see cref="Events"/> counts the events kept (published), <see cref="Skipped"/> those the filter left out.</summary>
public sealed record BackfillProgress(
    int FilesDone, int FilesTotal, string? CurrentFile, long Lines, long Events, long Errors, long Bytes, double EventsPerSecond, TimeSpan Elapsed)
{
    public long Skipped { get; init; }
}

/// <summary>What one file contributed: lines read, events kept (published), bad lines, bytes, and the events the filter skipped.</summary>
public sealed record BackfillFileResult(string Source, long Lines, long Events, long Errors, long Bytes, string? Failure, long Skipped = 0);

/// <summary>The outcome of an import. <see cref="Events"/> counts events acknowledged by the broker.</summary>
public sealed record BackfillResult(
    int Files, long Lines, long Events, long Errors, long Bytes, TimeSpan Elapsed, double EventsPerSecond,
    IReadOnlyList<BackfillFileResult> PerFile, IReadOnlyList<string> ErrorSamples)
{
    /// <summary>Events the filter left out.</summary>
    public long Skipped => PerFile.Sum(f => f.Skipped);

    /// <summary>Files that could not be read at all (not found, HTTP error); their events are not in <see cref="Events"/>.</summary>
    public int FailedFiles => PerFile.Count(f => f.Failure is not null);
}
