using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML.Data;

/// <summary>
/// Builds a model's data set from the <c>issues</c> collection: every document is schema-checked and cleaned,
/// history features are computed from earlier issues only, labels come from closed issues only (open issues still
/// count towards repository activity and author history), and rows are split by creation time.
/// With fewer than <c>Ml:Training:MinRealIssues</c> usable rows (or the store unreachable) the same code runs on
/// <see cref="SyntheticIssueGenerator"/> output, and the data set says <c>Source = "synthetic"</c>.
/// </summary>
public sealed class IssueDatasetBuilder(IDocumentStore store, IOptions<MlOptions> options, ILogger<IssueDatasetBuilder> logger)
{
    /// <summary>Fixed period of the synthetic data set, so its content hash is reproducible.</summary>
    public static readonly DateTime SyntheticStart = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime SyntheticEnd = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly MlOptions _options = options.Value;

    public async Task<IssueDataset> BuildAsync(string modelName, CancellationToken ct = default)
    {
        ModelNames.EnsureKnown(modelName);
        var (issues, invalid, samples) = await LoadStoreIssuesAsync(ct);
        if (issues.Count > 0)
        {
            var rows = ToRows(modelName, issues);
            if (rows.Count >= _options.Training.MinRealIssues)
            {
                logger.LogInformation("Dataset for {Model}: {Rows} rows from the store ({Invalid} invalid documents skipped)", modelName, rows.Count, invalid);
                return IssueDataset.Create(modelName, "store", rows, _options.Training.TestFraction, invalid, samples);
            }
            logger.LogInformation("Store has {Rows} usable rows for {Model} (< {Min}); training on synthetic issues", rows.Count, modelName, _options.Training.MinRealIssues);
        }
        return BuildSynthetic(modelName, _options.Training.SyntheticIssues, _options.Training.Seed, _options.Training.TestFraction);
    }

    public static IssueDataset BuildSynthetic(string modelName, int count, int seed, double testFraction, SyntheticShift? shift = null)
    {
        var issues = new SyntheticIssueGenerator(seed).Generate(count, SyntheticStart, SyntheticEnd, shift);
        return IssueDataset.Create(modelName, "synthetic", ToRows(modelName, issues), testFraction);
    }

    /// <summary>The rows a model trains on, from issues with their outcomes (as-of the newest issue's creation).</summary>
    public static List<IssueModelInput> ToRows(string modelName, IReadOnlyList<IssueRecord> issues)
    {
        var history = IssueFeaturizer.ComputeHistory(issues);
        var asOf = issues.Max(i => i.ClosedAt is { } c && c > i.CreatedAt ? c : i.CreatedAt);
        var rows = new List<IssueModelInput>(issues.Count);
        for (var i = 0; i < issues.Count; i++)
        {
            var issue = issues[i];
            if (modelName == ModelNames.IssueLabeler)
            {
                // Labels of open issues may still change: only closed issues with a canonical label are ground truth.
                if (!issue.IsClosed || LabelTaxonomy.Primary(issue.Labels) is null) continue;
                rows.Add(IssueFeaturizer.ToInput(issue, history[i], includeLabelsAsFeature: false));
            }
            else
            {
                // Only closed issues carry an outcome; the newest week is left out because its fast closers would
                // otherwise be over-represented (slow issues from that week are still open).
                if (!issue.IsClosed || issue.CreatedAt > asOf.AddDays(-7)) continue;
                var row = IssueFeaturizer.ToInput(issue, history[i], includeLabelsAsFeature: true);
                // Many issues are predicted before anyone labels them: hide the labels of a deterministic third of the
                // rows so the model also learns to predict without them (no train/serve skew).
                if (StableBucket(issue.Id, 3) == 0) row.LabelsText = IssueFeaturizer.NoLabels;
                rows.Add(row);
            }
        }
        return rows;
    }

    private static int StableBucket(string id, int buckets)
    {
        var h = 17u;
        foreach (var ch in id) h = unchecked(h * 31 + ch);
        return (int)(h % (uint)buckets);
    }

    private async Task<(List<IssueRecord> Issues, int Invalid, List<string> Samples)> LoadStoreIssuesAsync(CancellationToken ct)
    {
        var issues = new List<IssueRecord>();
        var samples = new List<string>();
        var invalid = 0;
        IReadOnlyList<JsonObject> docs;
        try
        {
            docs = await store.FindAsync(Collections.Issues, DocumentQuery.All.OrderBy("created_at", descending: true).Take(_options.Training.MaxIssues), ct);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Store unavailable while building a dataset; falling back to synthetic issues");
            return (issues, 0, samples);
        }
        var languages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var doc in docs)
        {
            try
            {
                var repo = doc["repo"]?.GetValueKind() == JsonValueKind.String ? doc["repo"]!.GetValue<string>() : null;
                string? language = null;
                if (repo is not null && doc["language"] is null)
                {
                    if (!languages.TryGetValue(repo, out language))
                    {
                        var repoDoc = await store.GetAsync(Collections.Repositories, repo, ct);
                        language = repoDoc?["language"]?.GetValueKind() == JsonValueKind.String ? repoDoc["language"]!.GetValue<string>() : "unknown";
                        languages[repo] = language;
                    }
                }
                issues.Add(IssueDocumentSchema.Parse(doc, language));
            }
            catch (IssueSchemaException ex)
            {
                invalid++;
                if (samples.Count < 5) samples.Add(ex.Message);
            }
        }
        if (invalid > 0) logger.LogWarning("{Invalid} issue documents failed the schema, e.g. {Sample}", invalid, samples.FirstOrDefault());
        return (issues, invalid, samples);
    }
}
