using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Data;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML.Monitoring;

/// <summary>
/// Continuous evaluation: joins logged predictions with the ground truth that arrives later (an issue gets a label of the
/// labeler's set, or is closed, or stays open past 7 days), stores the outcome on the prediction, and computes rolling
/// live metrics per model version over the newest <c>Ml:Monitor:LiveWindow</c> resolved predictions. A pass walks every
/// pending prediction in keyset order (by id, <c>Ml:Evaluation:PageSize</c> per page), so predictions that cannot resolve
/// never block the others; those still pending after <c>Ml:Evaluation:Horizon</c> are expired (counted, never joined).
/// </summary>
public sealed class ContinuousEvaluator(IDocumentStore store, IOptions<MlOptions> options, ILogger<ContinuousEvaluator> logger)
{
    /// <summary>Resolves or expires every pending prediction against the <c>issues</c> collection.</summary>
    public async Task<ResolutionPass> ResolvePendingAsync(CancellationToken ct = default)
    {
        var o = options.Value.Evaluation;
        var expireBefore = DateTime.UtcNow - o.Horizon;
        int scanned = 0, resolved = 0, expired = 0, pending = 0;
        string? after = null;
        while (true)
        {
            var page = await store.FindAsync(Collections.Predictions, PendingPage(after, o.PageSize), ct);
            if (page.Count == 0) break;
            after = page[^1]["_id"]!.ToString();
            scanned += page.Count;
            var refs = page.Select(p => p["issue_ref"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null)
                .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var issues = refs.Count == 0 ? new Dictionary<string, JsonObject>()
                : (await store.FindAsync(Collections.Issues, DocumentQuery.Where(Filter.In("_id", refs)), ct))
                    .ToDictionary(d => d["_id"]!.ToString(), StringComparer.Ordinal);
            var updates = new List<KeyValuePair<string, JsonObject>>();
            foreach (var prediction in page)
            {
                var issueRef = prediction["issue_ref"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                if (issueRef is not null && issues.TryGetValue(issueRef, out var issue) && Resolve(prediction, issue) is { } done)
                {
                    updates.Add(done);
                    resolved++;
                }
                else if (CreatedAt(prediction) is { } at && at < expireBefore)
                {
                    updates.Add(Expire(prediction, issueRef is null ? "no issue reference" : issues.ContainsKey(issueRef) ? "no ground truth within the horizon" : "issue unknown to the store"));
                    expired++;
                }
                else
                {
                    pending++;
                }
            }
            if (updates.Count > 0) await store.UpsertManyAsync(Collections.Predictions, updates, ct);
            if (page.Count < o.PageSize) break;
        }
        if (resolved + expired > 0)
            ContinuousEvaluatorLog.PredictionsResolved(logger, resolved, expired, pending, scanned);
        return new ResolutionPass(scanned, resolved, expired, pending);
    }

    /// <summary>A page of the resolution pass: unresolved predictions after <paramref name="after"/>, in id order.</summary>
    internal static DocumentQuery PendingPage(string? after, int pageSize)
    {
        var filters = new List<FieldFilter> { new("resolved", FilterOp.Eq, false) };
        if (after is not null) filters.Add(new FieldFilter("_id", FilterOp.Gt, after));
        return DocumentQuery.Where(filters.ToArray()).OrderBy("_id").Take(pageSize);
    }

    /// <summary>The newest <paramref name="window"/> resolved, unexpired predictions of one model version.</summary>
    internal static DocumentQuery LiveWindow(string model, int version, int window) => DocumentQuery.Where(
            new FieldFilter("model", FilterOp.Eq, model), new FieldFilter("version", FilterOp.Eq, version), new FieldFilter("resolved", FilterOp.Eq, true),
            new FieldFilter("expired", FilterOp.Ne, true),
            // Every resolved document has it; saying so lets PostgreSQL read the partial index of resolved documents.
            new FieldFilter("resolved_at", FilterOp.Exists, true))
        .OrderBy("resolved_at", descending: true).Take(window);

    private static DateTime? CreatedAt(JsonObject prediction) =>
        prediction["created_at"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? IssueDocumentSchema.ParseTime(v.GetValue<string>()) : null;

    private static KeyValuePair<string, JsonObject> Expire(JsonObject prediction, string reason)
    {
        var id = prediction["_id"]!.ToString();
        var updated = prediction.DeepClone().AsObject();
        updated.Remove("_id");
        updated["resolved"] = true;
        updated["expired"] = true;
        updated["expired_reason"] = reason;
        updated["resolved_at"] = IssueDocumentSchema.FormatTime(DateTime.UtcNow);
        return new(id, updated);
    }

    /// <summary>Predictions expired so far (unresolvable within the horizon), per model.</summary>
    public Task<long> CountExpiredAsync(string model, CancellationToken ct = default) =>
        store.CountAsync(Collections.Predictions, DocumentQuery.Where(new FieldFilter("model", FilterOp.Eq, model), new FieldFilter("expired", FilterOp.Eq, true)), ct);

    /// <summary>The prediction with its outcome, or null while the issue gives no ground truth yet.</summary>
    private KeyValuePair<string, JsonObject>? Resolve(JsonObject prediction, JsonObject issueDoc)
    {
        IssueRecord issue;
        try
        {
            issue = IssueDocumentSchema.Parse(issueDoc);
        }
        catch (IssueSchemaException ex)
        {
            ContinuousEvaluatorLog.SkippingGroundTruth(logger, ex.DocumentId, ex.Message);
            return null;
        }
        var model = prediction["model"]?.GetValue<string>();
        var output = prediction["output"] as JsonObject;
        JsonObject? outcome = null;
        if (model == ModelNames.IssueLabeler)
        {
            var set = output?["label_set"] is JsonArray ls ? ls.Select(l => l?.GetValue<string>()).OfType<string>().ToList() : null;
            var truth = set is { Count: > 0 } ? LabelSetRules.Within(issue.Labels, set) : issue.Labels.Select(LabelSetRules.Normalize).Distinct(StringComparer.Ordinal).ToList();
            if (truth.Count > 0)
            {
                var top = output?["label"]?.GetValue<string>();
                outcome = new JsonObject
                {
                    ["labels"] = new JsonArray(truth.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
                    ["label"] = truth[0],
                    ["correct"] = top is not null && truth.Contains(top),
                };
            }
        }
        else if (model == ModelNames.TimeToClose)
        {
            var predictedWithin = JsonNumbers.AsBool(output?["closes_within_7_days"]) ?? false;
            if (issue.DaysToClose is { } days && issue.IsClosed)
                outcome = new JsonObject { ["days"] = Math.Round(days, 4), ["within_7_days"] = days <= 7, ["correct"] = predictedWithin == (days <= 7) };
            else if (DateTime.UtcNow - issue.CreatedAt > TimeSpan.FromDays(7))
                outcome = new JsonObject { ["days"] = null, ["within_7_days"] = false, ["correct"] = !predictedWithin };
        }
        if (outcome is null) return null;
        var id = prediction["_id"]!.ToString();
        var updated = prediction.DeepClone().AsObject();
        updated["outcome"] = outcome;
        updated["resolved"] = true;
        updated["resolved_at"] = IssueDocumentSchema.FormatTime(DateTime.UtcNow);
        updated.Remove("_id");
        return new(id, updated);
    }

    /// <summary>Rolling live metrics of one model version over its newest resolved predictions.</summary>
    public async Task<Dictionary<string, double>> LiveMetricsAsync(string model, int version, CancellationToken ct = default)
    {
        var docs = await store.FindAsync(Collections.Predictions, LiveWindow(model, version, options.Value.Monitor.LiveWindow), ct);
        if (model == ModelNames.IssueLabeler)
        {
            static List<string> Names(JsonNode? n, bool scored) => n is JsonArray a
                ? a.Select(x => scored ? x?["label"]?.GetValue<string>() : x?.GetValue<string>()).OfType<string>().ToList()
                : [];
            var labelled = docs.Where(d => d["outcome"]?["labels"] is JsonArray && d["output"]?["label"] is not null).ToList();
            var truth = labelled.Select(d => (IReadOnlyList<string>)Names(d["outcome"]!["labels"], false)).ToList();
            var predicted = labelled.Select(d => (IReadOnlyList<string>)Names(d["output"]!["labels"], true)).ToList();
            var top = labelled.Select(d => d["output"]!["label"]!.GetValue<string>()).ToList<string?>();
            var set = labelled.Select(d => d["output"]?["label_set"]).OfType<JsonArray>().FirstOrDefault() is { } ls ? Names(ls, false) : truth.SelectMany(t => t).Distinct(StringComparer.Ordinal).ToList();
            return ClassificationMetrics.MultiLabel(truth, predicted, top, set);
        }
        var rows = docs.Where(d => JsonNumbers.AsBool(d["outcome"]?["within_7_days"]) is not null && JsonNumbers.AsDouble(d["output"]?["probability"]) is not null).ToList();
        var metrics = ClassificationMetrics.Binary(
            rows.Select(d => JsonNumbers.AsBool(d["outcome"]!["within_7_days"])!.Value).ToList(),
            rows.Select(d => JsonNumbers.AsDouble(d["output"]!["probability"])!.Value).ToList());
        var withDays = rows.Where(d => JsonNumbers.AsDouble(d["outcome"]!["days"]) is not null).ToList();
        if (withDays.Count > 0)
        {
            metrics[MetricNames.MaeDays] = ClassificationMetrics.MeanAbsoluteError(
                withDays.Select(d => JsonNumbers.AsDouble(d["outcome"]!["days"])!.Value).ToList(),
                withDays.Select(d => JsonNumbers.AsDouble(d["output"]!["expected_days"]) ?? 0).ToList());
        }
        return metrics;
    }
}

/// <summary>The source-generated log messages of ContinuousEvaluator (event ids: docs/architecture.md).</summary>
internal static partial class ContinuousEvaluatorLog
{
    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Continuous evaluation: {Resolved} predictions joined with ground truth, {Expired} expired, {Pending} pending ({Scanned} scanned)")]
    public static partial void PredictionsResolved(ILogger logger, int resolved, int expired, int pending, int scanned);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Skipping ground truth of {Issue}: {Error}")]
    public static partial void SkippingGroundTruth(ILogger logger, string issue, string error);
}
