using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML.Monitoring;

/// <summary>
/// Computes live quality and drift for a model's champion, stores the report, and decides whether to retrain, honouring
/// the cool-down (<c>Ml:Monitor:RetrainCooldownMinutes</c>) so a persistent problem cannot cause a retraining loop.
/// </summary>
public sealed class ModelMonitor(
    IDocumentStore store,
    ModelRegistry registry,
    TrainingPipeline training,
    ContinuousEvaluator evaluator,
    MlMetrics metrics,
    IOptions<MlOptions> options,
    ILogger<ModelMonitor> logger)
{
    private MlOptions O => options.Value;

    public async Task<MonitorReport> RunAsync(string model, CancellationToken ct = default)
    {
        ModelNames.EnsureKnown(model);
        var now = DateTime.UtcNow;
        var report = new MonitorReport { Model = model, At = now, Id = $"{model}:{now:yyyyMMddHHmmssfff}" };
        var champion = await registry.GetChampionAsync(model, ct);
        report.ChampionVersion = champion?.Version;
        if (champion is null)
        {
            report.DriftStatus = "no champion";
            report.Reasons.Add("no champion registered");
            report.RetrainRecommended = true;
        }
        else
        {
            await EvaluateLiveAsync(model, champion, report, ct);
            await EvaluateDriftAsync(model, champion, report, now, ct);
        }
        var stateId = $"state:{model}";
        var state = await store.GetAsync(Collections.MonitorReports, stateId, ct) ?? new JsonObject { ["kind"] = "state", ["model"] = model };
        state.Remove("_id");
        var problem = report.RetrainRecommended && champion is not null;
        report.NewIncident = problem && JsonNumbers.AsBool(state["incident_open"]) != true;
        state["incident_open"] = problem;
        if (report.NewIncident) state["incident_started_at"] = IssueDocumentSchema.FormatTime(now);
        if (report.RetrainRecommended) ClaimRetrainSlot(report, state, now);
        await store.UpsertAsync(Collections.MonitorReports, stateId, state, ct);
        report.ExpiredPredictions = await evaluator.CountExpiredAsync(model, ct);
        await store.UpsertAsync(Collections.MonitorReports, report.Id, RegistryJson.ToDocument(report, report.Id), ct);
        ModelMonitorLog.Monitored(logger, model, report.ChampionVersion, report.LiveSamples, report.DriftStatus, report.RetrainRecommended, report.RetrainStarted);
        return report;
    }

    private async Task EvaluateLiveAsync(string model, ModelVersionInfo champion, MonitorReport report, CancellationToken ct)
    {
        var live = await evaluator.LiveMetricsAsync(model, champion.Version, ct);
        report.LiveMetrics = live.Where(kv => !double.IsNaN(kv.Value)).ToDictionary();
        report.LiveSamples = (int)live.GetValueOrDefault(MetricNames.Count);
        foreach (var (k, v) in report.LiveMetrics) metrics.SetLiveMetric(model, champion.Version, k, v);
        if (report.LiveSamples < O.Monitor.MinLiveSamples) return;
        var accuracy = live.GetValueOrDefault(MetricNames.Accuracy, double.NaN);
        var min = model == ModelNames.IssueLabeler ? O.Monitor.MinLiveLabelerAccuracy : O.Monitor.MinLiveTimeToCloseAccuracy;
        if (accuracy < min)
        {
            report.LiveBelowThreshold = true;
            report.RetrainRecommended = true;
            report.Reasons.Add($"live accuracy {accuracy:0.###} < {min:0.###} over {report.LiveSamples} resolved predictions of v{champion.Version}");
        }
    }

    private async Task EvaluateDriftAsync(string model, ModelVersionInfo champion, MonitorReport report, DateTime now, CancellationToken ct)
    {
        DriftReference? reference;
        try
        {
            reference = await training.LoadReferenceAsync(champion, ct);
        }
        catch (FileNotFoundException)
        {
            reference = null;
        }
        if (reference is null)
        {
            report.DriftStatus = "no reference";
            return;
        }
        var since = IssueDocumentSchema.FormatTime(now.AddHours(-O.Drift.WindowHours));
        var docs = await store.FindAsync(Collections.Predictions, DriftWindowQuery(model, since, O.Drift.MaxWindowSamples), ct);
        var window = ToWindow(model, docs, champion.Version);
        report.DriftWindowSize = window.Count;
        if (window.Count < O.Drift.MinSamples)
        {
            report.DriftStatus = $"insufficient data ({window.Count} < {O.Drift.MinSamples} predictions in {O.Drift.WindowHours} h)";
            return;
        }
        var drift = DriftDetector.Detect(reference, window, O.Drift);
        report.Drift = drift;
        foreach (var f in drift.Features.Concat(drift.Predictions)) metrics.SetDrift(model, f.Feature, f.Test, f.Statistic);
        metrics.SetDatasetDriftShare(model, drift.DriftShare);
        report.DriftStatus = drift.DatasetDrift ? "dataset drift" : drift.PredictionDrift ? "prediction drift" : "no drift";
        if (drift.DatasetDrift)
            report.Reasons.Add($"dataset drift: {drift.DriftedFeatures}/{drift.Features.Count} features drifted ({string.Join(", ", drift.Features.Where(f => f.Drifted).Select(f => f.Feature))})");
        if (drift.PredictionDrift)
            report.Reasons.Add($"prediction drift: {string.Join(", ", drift.Predictions.Where(p => p.Drifted).Select(p => $"{p.Feature} {p.Test}={p.Statistic:0.###}"))}");
        if (drift.DatasetDrift || drift.PredictionDrift) report.RetrainRecommended = true;
    }

    /// <summary>The newest <paramref name="max"/> logged predictions of a model created at or after <paramref name="since"/>.</summary>
    internal static DocumentQuery DriftWindowQuery(string model, string since, int max) => DocumentQuery.Where(
            new FieldFilter("model", FilterOp.Eq, model), new FieldFilter("created_at", FilterOp.Gte, since))
        .OrderBy("created_at", descending: true).Take(max);

    /// <summary>The recent window in the reference's shape, from the prediction log's feature summaries.</summary>
    internal static DriftWindow ToWindow(string model, IEnumerable<JsonObject> predictions, int? championVersion)
    {
        var w = new DriftWindow();
        foreach (var name in IssueModelInput.NumericFeatures) w.Numeric[name] = [];
        foreach (var name in IssueModelInput.CategoricalFeatures) w.Categorical[name] = [];
        foreach (var p in predictions)
        {
            if (p["features"] is not JsonObject f) continue;
            w.Count++;
            foreach (var name in IssueModelInput.NumericFeatures)
                if (JsonNumbers.AsDouble(f[name]) is { } x) w.Numeric[name].Add(x);
            foreach (var name in IssueModelInput.CategoricalFeatures)
                if (f[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String) w.Categorical[name].Add(v.GetValue<string>());
            // Prediction drift is measured for the champion only: other versions have other output distributions.
            if (championVersion is not null && JsonNumbers.AsDouble(p["version"]) != championVersion) continue;
            if (p["output"] is not JsonObject o) continue;
            if (model == ModelNames.IssueLabeler)
            {
                if (o["label"]?.GetValueKind() == JsonValueKind.String) w.PredictedLabels.Add(o["label"]!.GetValue<string>());
                if (JsonNumbers.AsDouble(o["confidence"]) is { } c) w.PredictedScores.Add(c);
            }
            else
            {
                if (JsonNumbers.AsBool(o["closes_within_7_days"]) is { } within) w.PredictedLabels.Add(within ? "within_7_days" : "later");
                if (JsonNumbers.AsDouble(o["probability"]) is { } pr) w.PredictedScores.Add(pr);
            }
        }
        return w;
    }

    private void ClaimRetrainSlot(MonitorReport report, JsonObject state, DateTime now)
    {
        var last = state["last_retrain_at"]?.GetValueKind() == JsonValueKind.String
            ? IssueDocumentSchema.ParseTime(state["last_retrain_at"]!.GetValue<string>())
            : null;
        var cooldown = TimeSpan.FromMinutes(O.Monitor.RetrainCooldownMinutes);
        if (last is { } l && now - l < cooldown)
        {
            report.CooldownUntil = l + cooldown;
            report.Reasons.Add($"retrain suppressed by cool-down until {IssueDocumentSchema.FormatTime(l + cooldown)}");
            return;
        }
        state["last_retrain_at"] = IssueDocumentSchema.FormatTime(now);
        state["report_id"] = report.Id;
        report.RetrainStarted = true;
        report.CooldownUntil = now + cooldown;
        metrics.Retrains.Add(1, new("model", report.Model), new("trigger", "monitor"));
    }

    public async Task<IReadOnlyList<MonitorReport>> RecentReportsAsync(string model, int limit = 50, CancellationToken ct = default)
    {
        var docs = await store.FindAsync(Collections.MonitorReports, DocumentQuery.Where(
            new FieldFilter("kind", FilterOp.Eq, "report"), new FieldFilter("model", FilterOp.Eq, model)).OrderBy("at", descending: true).Take(limit), ct);
        return docs.Select(RegistryJson.FromDocument<MonitorReport>).ToList();
    }
}

/// <summary>The source-generated log messages of ModelMonitor (event ids: docs/architecture.md).</summary>
internal static partial class ModelMonitorLog
{
    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Monitor {Model} v{Version}: live n={Live} drift={Drift} retrain recommended={Recommended} started={Started}")]
    public static partial void Monitored(ILogger logger, string model, int? version, int live, string drift, bool recommended, bool started);
}
