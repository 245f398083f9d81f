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
