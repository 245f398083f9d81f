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
/// Continuous evaluation: joins logged predictions with the ground truth that arrives later (an issue gets labelled or
/// closed, or stays open past 7 days), stores the outcome on the prediction, and computes rolling live metrics per
/// model version over the newest <c>Ml:Monitor:LiveWindow</c> resolved predictions.
/// </summary>
public sealed class ContinuousEvaluator(IDocumentStore store, IOptions<MlOptions> options, ILogger<ContinuousEvaluator> logger)
{
    /// <summary>Resolves pending predictions against the <c>issues</c> collection. Returns how many got an outcome.</summary>
    public async Task<int> ResolvePendingAsync(int limit = 2000, CancellationToken ct = default)
    {
        var pending = await store.FindAsync(Collections.Predictions, DocumentQuery.Where(
                new FieldFilter("resolved", FilterOp.Eq, false), new FieldFilter("issue_ref", FilterOp.Exists, true))
            .OrderBy("created_at").Take(limit), ct);
        var resolved = 0;
        var issues = new Dictionary<string, JsonObject?>();
        foreach (var prediction in pending)
        {
            if (prediction["issue_ref"]?.GetValueKind() != JsonValueKind.String) continue;
            var issueRef = prediction["issue_ref"]!.GetValue<string>();
            if (!issues.TryGetValue(issueRef, out var issue)) issues[issueRef] = issue = await store.GetAsync(Collections.Issues, issueRef, ct);
            if (issue is null) continue;
            if (await ResolveAsync(prediction, issue, ct)) resolved++;
        }
        if (resolved > 0) logger.LogInformation("Continuous evaluation joined {Count} predictions with ground truth", resolved);
        return resolved;
    }

    /// <summary>
    /// Consumer tie-in: call for <c>issues</c> events (closed, labeled, reopened...) with the issue document as stored;
    /// resolves every pending prediction about that issue.
    /// </summary>
    public async Task<int> OnIssueUpdatedAsync(JsonObject issueDocument, CancellationToken ct = default)
    {
        var id = issueDocument["_id"]?.ToString();
        if (id is null) return 0;
        var pending = await store.FindAsync(Collections.Predictions, DocumentQuery.Where(
            new FieldFilter("issue_ref", FilterOp.Eq, id), new FieldFilter("resolved", FilterOp.Eq, false)), ct);
        var count = 0;
        foreach (var p in pending)
        {
            if (await ResolveAsync(p, issueDocument, ct)) count++;
        }
        return count;
    }

    private async Task<bool> ResolveAsync(JsonObject prediction, JsonObject issueDoc, CancellationToken ct)
    {
        IssueRecord issue;
        try
        {
            issue = IssueDocumentSchema.Parse(issueDoc);
        }
        catch (IssueSchemaException ex)
        {
            logger.LogDebug("Skipping ground truth of {Issue}: {Error}", ex.DocumentId, ex.Message);
            return false;
        }
        var model = prediction["model"]?.GetValue<string>();
        var output = prediction["output"] as JsonObject;
        JsonObject? outcome = null;
        if (model == ModelNames.IssueLabeler && LabelTaxonomy.Primary(issue.Labels) is { } truth)
        {
            var predicted = output?["label"]?.GetValue<string>();
            outcome = new JsonObject { ["label"] = truth, ["correct"] = predicted == truth };
        }
        else if (model == ModelNames.TimeToClose)
        {
            var predictedWithin = JsonNumbers.AsBool(output?["closes_within_7_days"]) ?? false;
            if (issue.DaysToClose is { } days && issue.IsClosed)
                outcome = new JsonObject { ["days"] = Math.Round(days, 4), ["within_7_days"] = days <= 7, ["correct"] = predictedWithin == (days <= 7) };
            else if (DateTime.UtcNow - issue.CreatedAt > TimeSpan.FromDays(7))
                outcome = new JsonObject { ["days"] = null, ["within_7_days"] = false, ["correct"] = !predictedWithin };
        }
        if (outcome is null) return false;
        var id = prediction["_id"]!.ToString();
        var updated = prediction.DeepClone().AsObject();
        updated["outcome"] = outcome;
        updated["resolved"] = true;
        updated["resolved_at"] = IssueDocumentSchema.FormatTime(DateTime.UtcNow);
        updated.Remove("_id");
        await store.UpsertAsync(Collections.Predictions, id, updated, ct);
        return true;
    }

    /// <summary>Rolling live metrics of one model version over its newest resolved predictions.</summary>
    public async Task<Dictionary<string, double>> LiveMetricsAsync(string model, int version, CancellationToken ct = default)
    {
        var docs = await store.FindAsync(Collections.Predictions, DocumentQuery.Where(
                new FieldFilter("model", FilterOp.Eq, model), new FieldFilter("version", FilterOp.Eq, version), new FieldFilter("resolved", FilterOp.Eq, true))
            .OrderBy("resolved_at", descending: true).Take(options.Value.Monitor.LiveWindow), ct);
        if (model == ModelNames.IssueLabeler)
        {
            var pairs = docs.Where(d => d["outcome"]?["label"] is not null && d["output"]?["label"] is not null)
                .Select(d => (Truth: d["outcome"]!["label"]!.GetValue<string>(), Predicted: d["output"]!["label"]!.GetValue<string>())).ToList();
            return ClassificationMetrics.Multiclass(pairs.Select(p => p.Truth).ToList(), pairs.Select(p => p.Predicted).ToList());
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
