using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

/// <summary>
/// Serves the champion of each model. Loaded versions are immutable <see cref="ServedModel"/> objects swapped atomically
/// (a reference replace), so in-flight requests finish on the version they started with and none is dropped.
/// Swaps happen when the registry moves the champion in this process, and every <c>Ml:Serving:ChampionRefreshSeconds</c>
/// for changes made elsewhere. Each prediction is logged through <see cref="PredictionLog"/> without waiting.
/// </summary>
public sealed class PredictionService
{
    private readonly ConcurrentDictionary<string, ServedModel> _served = new();
    private readonly SemaphoreSlim _swapLock = new(1, 1);
    private readonly ModelRegistry _registry;
    private readonly HistoryFeatureCache _history;
    private readonly PredictionLog _log;
    private readonly MlMetrics _metrics;
    private readonly MlOptions _options;
    private readonly ILogger<PredictionService> _logger;

    public PredictionService(ModelRegistry registry, HistoryFeatureCache history, PredictionLog log, MlMetrics metrics, IOptions<MlOptions> options, ILogger<PredictionService> logger)
    {
        _registry = registry;
        _history = history;
        _log = log;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _registry.ChampionChanged += change => _ = Task.Run(async () =>
        {
            try
            {
                await ActivateAsync(change.ModelName, change.Version);
            }
            catch (Exception ex)
            {
                PredictionServiceLog.HotSwapFailed(_logger, ex, change.ModelName, change.Version, ServingVersion(change.ModelName));
            }
        });
    }

    /// <summary>Raised after a model version started serving.</summary>
    public event Action<string, int>? Swapped;

    public int? ServingVersion(string model) => _served.TryGetValue(model, out var m) ? m.Version : null;

    public IReadOnlyDictionary<string, int> ServingVersions => _served.ToDictionary(kv => kv.Key, kv => kv.Value.Version);

    /// <summary>Loads a version, warms it with one prediction, then swaps it in atomically.</summary>
    public async Task ActivateAsync(string model, int version, CancellationToken ct = default)
    {
        await _swapLock.WaitAsync(ct);
        try
        {
            if (ServingVersion(model) == version) return;
            var info = await _registry.GetVersionAsync(model, version, ct) ?? throw new KeyNotFoundException($"{model} v{version} is not registered");
            var artifact = await _registry.LoadArtifactAsync(info, ct);
            var served = await Task.Run(() => new ServedModel(model, version, artifact, _options.Training.Seed, info.Dataset.Source), ct);
            var warm = new IssueModelInput { Text = "warm up", Repo = "warm/up" };
            if (model == ModelNames.IssueLabeler) served.PredictLabel(warm, 1); else served.PredictTimeToClose(warm);
            var previous = _served.TryGetValue(model, out var p) ? p.Version : (int?)null;
            _served[model] = served;
            _metrics.SetServingVersion(model, version);
            PredictionServiceLog.Serving(_logger, model, version, previous);
            Swapped?.Invoke(model, version);
        }
        finally
        {
            _swapLock.Release();
        }
    }

    /// <summary>Loads the registry's champion of every model whose serving version differs.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        foreach (var model in ModelNames.All)
        {
            var head = await _registry.GetHeadAsync(model, ct);
            if (head?.Champion is { } v && ServingVersion(model) != v) await ActivateAsync(model, v, ct);
        }
    }

    public IssuePredictionResponse Predict(IssuePredictionRequest request, string source = "api")
    {
        var started = Stopwatch.GetTimestamp();
        var (input, hash) = BuildInput(request);
        IReadOnlyList<string> wanted = request.Models is { Count: > 0 } m ? m : ModelNames.All;
        LabelerPrediction? label = null;
        TimeToClosePrediction? ttc = null;
        // A loop with a look-back instead of Distinct(): the list has at most a few names, and Distinct built a set and
        // an iterator per request.
        for (var i = 0; i < wanted.Count; i++)
        {
            var model = wanted[i];
            if (SeenBefore(wanted, i)) continue;
            if (!_served.TryGetValue(model, out var served)) throw new ModelNotReadyException(model);
            if (model == ModelNames.IssueLabeler) label = served.PredictLabel(input, _options.Serving.TopK);
            else ttc = served.PredictTimeToClose(input);
        }
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var issueRef = request.IssueRef;
        // Deferred entries: the log document is built by the writer when it takes the entry (see PredictionLogEntry).
        if (label is not null)
        {
            CountPrediction(label.Model, label.Version, source, latency);
            var now = DateTime.UtcNow;
            _log.Enqueue(PredictionLogEntry.Labeler(LogId(now), label, now, source, hash, issueRef, input, latency));
        }
        if (ttc is not null)
        {
            CountPrediction(ttc.Model, ttc.Version, source, latency);
            var now = DateTime.UtcNow;
            _log.Enqueue(PredictionLogEntry.TimeToClose(LogId(now), ttc, now, source, hash, issueRef, input, latency));
        }
        return new IssuePredictionResponse(hash, issueRef, label, ttc, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3));
    }

    private static bool SeenBefore(IReadOnlyList<string> names, int index)
    {
        for (var j = 0; j < index; j++)
        {
            if (string.Equals(names[j], names[index], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Opening events skipped because they did not arrive live.</summary>
    public long NotLiveSkipped => Interlocked.Read(ref _notLiveSkipped);

    private long _notLiveSkipped;

    /// <summary>
    /// Features of an issue at its opening, computed as training computes them: the store's repository and author issues
    /// before <paramref name="createdAt"/>, the repository language from the projection, labels as sent at opening.
    /// </summary>
    internal async Task<(IssueModelInput Input, string Hash)> OpeningFeaturesAsync(IssuePredictionRequest request, DateTime createdAt, CancellationToken ct = default)
    {
        var draft = ToRecord(request, createdAt, "unknown");
        var (history, language) = await _history.AtCreationAsync(draft, ct).ConfigureAwait(false);
        return (IssueFeaturizer.ToInput(draft with { Language = language }, history), InputHash(request));
    }

    /// <summary>The request an <c>issues</c>/<c>opened</c> event describes (labels as sent at opening) and the issue's
    /// creation time, or null when the payload has no issue with a number and a title.</summary>
    public static (IssuePredictionRequest Request, DateTime CreatedAt)? FromOpenedEvent(GitHubEvent evt)
    {
        if (!evt.Payload.TryGetProperty("issue", out var issue) || issue.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
        static string? Str(System.Text.Json.JsonElement e, string p) => e.TryGetProperty(p, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
        var request = new IssuePredictionRequest
        {
            Repo = evt.Repo,
            Number = issue.TryGetProperty("number", out var n) && n.TryGetInt32(out var num) ? num : null,
            Title = Str(issue, "title") ?? string.Empty,
            Body = Str(issue, "body"),
            Author = issue.TryGetProperty("user", out var u) && u.ValueKind == System.Text.Json.JsonValueKind.Object ? Str(u, "login") : evt.Actor,
            AuthorAssociation = Str(issue, "author_association"),
            Labels = issue.TryGetProperty("labels", out var ls) && ls.ValueKind == System.Text.Json.JsonValueKind.Array
                ? ls.EnumerateArray().Select(l => l.ValueKind == System.Text.Json.JsonValueKind.Object ? Str(l, "name") : l.ValueKind == System.Text.Json.JsonValueKind.String ? l.GetString() : null)
                    .OfType<string>().ToList()
                : null,
        };
        if (string.IsNullOrWhiteSpace(request.Title) || request.Number is null) return null;
        return (request, CreatedAt(issue) ?? evt.CreatedAt.UtcDateTime);
    }

    /// <summary>The features served for an opening event (what gets logged), through the shared feature function.</summary>
    internal async Task<(IssuePredictionRequest Request, IssueModelInput Input, string Hash)?> OpeningFeaturesAsync(GitHubEvent evt, CancellationToken ct = default)
    {
        if (FromOpenedEvent(evt) is not { } opened) return null;
        var (request, createdAt) = opened;
        var (input, hash) = await OpeningFeaturesAsync(request, createdAt, ct).ConfigureAwait(false);
        return (request, input, hash);
    }

    private static DateTime? CreatedAt(System.Text.Json.JsonElement issue) =>
        issue.TryGetProperty("created_at", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String ? IssueDocumentSchema.ParseTime(c.GetString()!) : null;

    public IssueBatchPredictionResponse PredictBatch(IReadOnlyList<IssuePredictionRequest> items)
    {
        var sw = Stopwatch.StartNew();
        var results = new IssuePredictionResponse[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => results[i] = Predict(items[i], "batch"));
        return new IssueBatchPredictionResponse(items.Count, results, Math.Round(sw.Elapsed.TotalMilliseconds, 3));
    }

    /// <summary>The issue a request describes, read the way the dataset builder reads a stored issue (cleaned text).</summary>
    internal static IssueRecord ToRecord(IssuePredictionRequest r, DateTime createdAt, string language) =>
        new(r.Repo!.Trim(), r.Number ?? 0, IssueTextCleaner.CleanText(r.Title ?? string.Empty), IssueTextCleaner.CleanText(r.Body ?? string.Empty),
            r.Labels ?? [], "open", r.Author ?? "unknown", (r.AuthorAssociation ?? "NONE").ToUpperInvariant(), createdAt, null, language);

    /// <summary>The model row for a request through the shared feature function, with history and language from the cache
    /// (never waiting on the store). A language in the request wins over the projection's.</summary>
    internal (IssueModelInput Input, string Hash) BuildInput(IssuePredictionRequest r)
    {
        var draft = ToRecord(r, DateTime.UtcNow, r.Language ?? "unknown");
        var (history, language) = _history.Get(draft);
        var issue = r.Language is null && language is not null ? draft with { Language = language } : draft;
        return (IssueFeaturizer.ToInput(issue, history), InputHash(r));
    }

    /// <summary>Whether an opening event arrived live: by webhook, or from the poller within
    /// <c>Ml:Evaluation:PollerFreshnessMinutes</c> of its creation. Backfilled (GH Archive) history never is: its history
    /// features would be computed from data after the fact, and its outcome is already known.</summary>
    public bool IsLive(GitHubEvent evt) => evt.Source switch
    {
        EventSources.Webhook => true,
        EventSources.Poller => evt.ReceivedAt - evt.CreatedAt <= TimeSpan.FromMinutes(_options.Evaluation.PollerFreshnessMinutes),
        _ => false,
    };

    /// <summary>SHA-256 (lower-case hex) of the UTF-8 of repo, title, body, author, association, language and the
    /// comma-joined labels, separated by U+001F. Encoded part by part into one pooled buffer: the same bytes as encoding
    /// the joined string (no surrogate pair can span a separator), without building it.</summary>
    public static string InputHash(IssuePredictionRequest r)
    {
        var labels = r.Labels ?? [];
        var max = 6 + Math.Max(0, labels.Count - 1);
        max += Encoding.UTF8.GetMaxByteCount((r.Repo?.Length ?? 0) + (r.Title?.Length ?? 0) + (r.Body?.Length ?? 0) + (r.Author?.Length ?? 0) +
            (r.AuthorAssociation?.Length ?? 0) + (r.Language?.Length ?? 0));
        foreach (var label in labels) max += Encoding.UTF8.GetMaxByteCount(label?.Length ?? 0);
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encode(r.Repo, buffer, 0);
            buffer[n++] = 0x1f;
            n = Encode(r.Title, buffer, n);
            buffer[n++] = 0x1f;
            n = Encode(r.Body, buffer, n);
            buffer[n++] = 0x1f;
            n = Encode(r.Author, buffer, n);
            buffer[n++] = 0x1f;
            n = Encode(r.AuthorAssociation, buffer, n);
            buffer[n++] = 0x1f;
            n = Encode(r.Language, buffer, n);
            buffer[n++] = 0x1f;
            for (var i = 0; i < labels.Count; i++)
            {
                if (i > 0) buffer[n++] = (byte)',';
                n = Encode(labels[i], buffer, n);
            }
            // One SHA-256 state per thread, reset by each hash: the one-shot SHA256.HashData set up a digest per call,
            // which cost more than hashing the few kilobytes.
            var sha = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(buffer, 0, n);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            sha.GetHashAndReset(hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [ThreadStatic]
    private static IncrementalHash? _sha256;

    private static int Encode(string? value, byte[] buffer, int offset) =>
        string.IsNullOrEmpty(value) ? offset : offset + Encoding.UTF8.GetBytes(value, buffer.AsSpan(offset));

    private void CountPrediction(string model, int version, string source, double latencyMs)
    {
        _metrics.Predictions.Add(1, new("model", model), new("version", version), new("source", source));
        _metrics.Latency.Record(latencyMs, new KeyValuePair<string, object?>("model", model));
    }

    internal void Record(string model, int version, string source, double latencyMs, string hash, IssuePredictionRequest request, IssueModelInput input, JsonObject output,
        string datasetSource, string? id = null)
    {
        CountPrediction(model, version, source, latencyMs);
        var now = DateTime.UtcNow;
        var doc = PredictionLogEntry.Document(model, version, now, source, datasetSource, hash, request.IssueRef, input.Repo, PredictionLogEntry.Features(input), output, latencyMs);
        _log.Enqueue(id ?? LogId(now), doc);
    }

    /// <summary>Process-wide random half of <see cref="LogId"/>'s unique part; the other half counts up.</summary>
    private static readonly ulong LogIdPrefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    private static long _logIdCounter;

    /// <summary>
    /// <c>yyyyMMddHHmmssfff-</c> and 32 hex digits, the shape of the former timestamp-and-<see cref="Guid.NewGuid"/> ids,
    /// but unique by a random per-process prefix and a counter (a random GUID per entry cost a getrandom call each).
    /// </summary>
    private static string LogId(DateTime now)
    {
        var counter = (ulong)Interlocked.Increment(ref _logIdCounter);
        return string.Create(50, (now, counter), static (span, state) =>
        {
            var (t, n) = state;
            Digits(span, t.Year, 4);
            Digits(span[4..], t.Month, 2);
            Digits(span[6..], t.Day, 2);
            Digits(span[8..], t.Hour, 2);
            Digits(span[10..], t.Minute, 2);
            Digits(span[12..], t.Second, 2);
            Digits(span[14..], t.Millisecond, 3);
            span[17] = '-';
            LogIdPrefix.TryFormat(span[18..], out _, "x16", CultureInfo.InvariantCulture);
            n.TryFormat(span[34..], out _, "x16", CultureInfo.InvariantCulture);
        });
    }

    private static void Digits(Span<char> span, int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            span[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    /// <summary>
    /// Consumer tie-in: logs a prediction for a newly opened issue (when <c>Ml:LogPredictionsForOpenedIssues</c>) that
    /// arrived live (<see cref="IsLive"/>; backfilled history is skipped and counted), with features as of the issue's
    /// creation read fresh from the store, and a deterministic id per model version and issue so redelivered events are
    /// logged once. Returns false when skipped.
    /// </summary>
    public async Task<bool> OnIssueOpenedAsync(GitHubEvent evt, CancellationToken ct = default)
    {
        if (!_options.LogPredictionsForOpenedIssues || evt.Type != "issues" || evt.Action != "opened") return false;
        if (!IsLive(evt))
        {
            Interlocked.Increment(ref _notLiveSkipped);
            return false;
        }
        if (await OpeningFeaturesAsync(evt, ct).ConfigureAwait(false) is not { } opening) return false;
        var (request, input, hash) = opening;
        var sw = Stopwatch.StartNew();
        var any = false;
        foreach (var model in ModelNames.All)
        {
            if (!_served.TryGetValue(model, out var served)) continue;
            var output = model == ModelNames.IssueLabeler
                ? PredictionLogEntry.LabelerOutputDocument(served.PredictLabel(input, _options.Serving.TopK))
                : PredictionLogEntry.TimeToCloseOutputDocument(served.PredictTimeToClose(input));
            if (model == ModelNames.IssueLabeler) output["label_set"] = new JsonArray(served.Classes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
            Record(model, served.Version, evt.Source, sw.Elapsed.TotalMilliseconds, hash, request, input, output, served.DatasetSource, $"{model}@v{served.Version}:{request.IssueRef}");
            any = true;
        }
        return any;
    }
}

/// <summary>The source-generated log messages of PredictionService (event ids: docs/architecture.md).</summary>
internal static partial class PredictionServiceLog
{
    [LoggerMessage(EventId = 3019, Level = LogLevel.Error, Message = "Hot-swap of {Model} to v{Version} failed; still serving v{Current}")]
    public static partial void HotSwapFailed(ILogger logger, Exception exception, string model, int version, int? current);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Serving {Model} v{Version} (was v{Previous})")]
    public static partial void Serving(ILogger logger, string model, int version, int? previous);
}
