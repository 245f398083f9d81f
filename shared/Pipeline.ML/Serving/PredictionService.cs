using System.Collections.Concurrent;
using System.Diagnostics;
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

/// <summary>No champion of this model is loaded yet (HTTP 503).</summary>
public sealed class ModelNotReadyException(string model) : Exception($"Model '{model}' has no champion loaded yet; train it first (POST /api/models/{model}/retrain)")
{
    public string Model { get; } = model;
}

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
                _logger.LogError(ex, "Hot-swap of {Model} to v{Version} failed; still serving v{Current}", change.ModelName, change.Version, ServingVersion(change.ModelName));
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
            var served = await Task.Run(() => new ServedModel(model, version, artifact, _options.Training.Seed), ct);
            var warm = new IssueModelInput { Text = "warm up", Repo = "warm/up" };
            if (model == ModelNames.IssueLabeler) served.PredictLabel(warm, 1); else served.PredictTimeToClose(warm);
            var previous = _served.TryGetValue(model, out var p) ? p.Version : (int?)null;
            _served[model] = served;
            _metrics.SetServingVersion(model, version);
            _logger.LogInformation("Serving {Model} v{Version} (was v{Previous})", model, version, previous);
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
        var sw = Stopwatch.StartNew();
        var (input, hash) = BuildInput(request);
        var wanted = request.Models is { Count: > 0 } m ? m : ModelNames.All;
        LabelerPrediction? label = null;
        TimeToClosePrediction? ttc = null;
        foreach (var model in wanted.Distinct())
        {
            if (!_served.TryGetValue(model, out var served)) throw new ModelNotReadyException(model);
            if (model == ModelNames.IssueLabeler) label = served.PredictLabel(input, _options.Serving.TopK);
            else ttc = served.PredictTimeToClose(input);
        }
        var latency = sw.Elapsed.TotalMilliseconds;
        if (label is not null) Record(label.Model, label.Version, source, latency, hash, request, input, new JsonObject
        {
            ["label"] = label.Label,
            ["confidence"] = label.Confidence,
            ["top"] = new JsonArray(label.Top.Select(t => (JsonNode)new JsonObject { ["label"] = t.Label, ["score"] = t.Score }).ToArray()),
        });
        if (ttc is not null) Record(ttc.Model, ttc.Version, source, latency, hash, request, input, new JsonObject
        {
            ["closes_within_7_days"] = ttc.ClosesWithin7Days,
            ["probability"] = ttc.Probability,
            ["expected_days"] = ttc.ExpectedDays,
        });
        return new IssuePredictionResponse(hash, request.IssueRef, label, ttc, Math.Round(sw.Elapsed.TotalMilliseconds, 3));
    }

    public IssueBatchPredictionResponse PredictBatch(IReadOnlyList<IssuePredictionRequest> items)
    {
        var sw = Stopwatch.StartNew();
        var results = new IssuePredictionResponse[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => results[i] = Predict(items[i], "batch"));
        return new IssueBatchPredictionResponse(items.Count, results, Math.Round(sw.Elapsed.TotalMilliseconds, 3));
    }

    /// <summary>The model row for a request, with history features from the cache (never waiting on the store).</summary>
    public (IssueModelInput Input, string Hash) BuildInput(IssuePredictionRequest r, HistoryFeatures? history = null)
    {
        var repo = r.Repo!.Trim();
        history ??= _history.Get(repo, r.Author);
        var issue = new IssueRecord(repo, r.Number ?? 0, r.Title ?? string.Empty, r.Body ?? string.Empty, r.Labels ?? [], "open",
            r.Author ?? "unknown", (r.AuthorAssociation ?? "NONE").ToUpperInvariant(), DateTime.UtcNow, null, r.Language ?? "unknown");
        var input = IssueFeaturizer.ToInput(issue, history, includeLabelsAsFeature: true);
        return (input, InputHash(r));
    }

    public static string InputHash(IssuePredictionRequest r)
    {
        var raw = string.Join('\u001f', r.Repo, r.Title, r.Body, r.Author, r.AuthorAssociation, r.Language, string.Join(',', r.Labels ?? []));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));
    }

    internal void Record(string model, int version, string source, double latencyMs, string hash, IssuePredictionRequest request, IssueModelInput input, JsonObject output,
        string? id = null)
    {
        _metrics.Predictions.Add(1, new("model", model), new("version", version), new("source", source));
        _metrics.Latency.Record(latencyMs, new KeyValuePair<string, object?>("model", model));
        var now = DateTime.UtcNow;
        var doc = new JsonObject
        {
            ["model"] = model,
            ["version"] = version,
            ["created_at"] = IssueDocumentSchema.FormatTime(now),
            ["source"] = source,
            ["input_hash"] = hash,
            ["issue_ref"] = request.IssueRef,
            ["repo"] = input.Repo,
            ["features"] = new JsonObject
            {
                ["text_chars"] = input.Text.Length,
                ["RepoActivity30d"] = input.RepoActivity30d,
                ["RepoMeanCloseDays"] = Math.Round(input.RepoMeanCloseDays, 4),
                ["AuthorPriorIssues"] = input.AuthorPriorIssues,
                ["AuthorFastCloseRate"] = Math.Round(input.AuthorFastCloseRate, 4),
                ["TextLength"] = Math.Round(input.TextLength, 4),
                ["Repo"] = input.Repo,
                ["AuthorAssociation"] = input.AuthorAssociation,
                ["Language"] = input.Language,
                ["labels"] = input.LabelsText,
            },
            ["output"] = output,
            ["latency_ms"] = Math.Round(latencyMs, 3),
            ["resolved"] = false,
        };
        _log.Enqueue(id ?? $"{now:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}", doc);
    }

    /// <summary>
    /// Webhook tie-in: logs a prediction for a newly opened issue (when <c>Ml:LogPredictionsForOpenedIssues</c>), with a
    /// deterministic id per model version and issue so redelivered events are logged once. Returns false when skipped.
    /// </summary>
    public async Task<bool> OnIssueOpenedAsync(GitHubEvent evt, CancellationToken ct = default)
    {
        if (!_options.LogPredictionsForOpenedIssues || evt.Type != "issues" || evt.Action != "opened") return false;
        if (!evt.Payload.TryGetProperty("issue", out var issue)) return false;
        string? Str(System.Text.Json.JsonElement e, string p) => e.TryGetProperty(p, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
        var request = new IssuePredictionRequest
        {
            Repo = evt.Repo,
            Number = issue.TryGetProperty("number", out var n) && n.TryGetInt32(out var num) ? num : null,
            Title = Str(issue, "title") ?? string.Empty,
            Body = Str(issue, "body"),
            Author = issue.TryGetProperty("user", out var u) ? Str(u, "login") : evt.Actor,
            AuthorAssociation = Str(issue, "author_association"),
            Labels = issue.TryGetProperty("labels", out var ls) && ls.ValueKind == System.Text.Json.JsonValueKind.Array
                ? ls.EnumerateArray().Select(l => l.ValueKind == System.Text.Json.JsonValueKind.Object ? Str(l, "name") : l.GetString()).OfType<string>().ToList()
                : null,
        };
        if (string.IsNullOrWhiteSpace(request.Title) || request.Number is null) return false;
        if (request.Body is { } b && Encoding.UTF8.GetByteCount(b) > _options.Serving.MaxBodyBytes) request.Body = b[..Math.Min(b.Length, _options.Serving.MaxBodyBytes / 4)];
        var history = await _history.GetFreshAsync(request.Repo, request.Author, ct).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        var (input, hash) = BuildInput(request, history);
        var any = false;
        foreach (var model in ModelNames.All)
        {
            if (!_served.TryGetValue(model, out var served)) continue;
            JsonObject output;
            if (model == ModelNames.IssueLabeler)
            {
                var p = served.PredictLabel(input, _options.Serving.TopK);
                output = new JsonObject { ["label"] = p.Label, ["confidence"] = p.Confidence };
            }
            else
            {
                var p = served.PredictTimeToClose(input);
                output = new JsonObject { ["closes_within_7_days"] = p.ClosesWithin7Days, ["probability"] = p.Probability, ["expected_days"] = p.ExpectedDays };
            }
            Record(model, served.Version, "webhook", sw.Elapsed.TotalMilliseconds, hash, request, input, output, $"{model}@v{served.Version}:{request.IssueRef}");
            any = true;
        }
        return any;
    }
}
