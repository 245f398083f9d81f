using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML.Data;

/// <summary>
/// Builds a model's data set from the <c>issues</c> collection. Every document is schema-checked and cleaned; features are
/// those known at the issue's creation (<see cref="IssueFeaturizer.ToInput"/>: labels at creation rebuilt from the label
/// history, history features from issues strictly before it). Targets:
/// <list type="bullet">
/// <item>time-to-close: a closed issue is positive when it closed within 7 days; an issue still open 7 days or more at the
/// cut-off (the newest time in the data) is a known negative (<see cref="IssueModelInput.Censored"/>); an issue open for
/// less than 7 days has no outcome yet and is left out;</item>
/// <item>issue-labeler: the issue's final labels within the label set learned from the data (<see cref="LabelSetRules"/>);
/// issues with none of them are left out.</item>
/// </list>
/// A store failure propagates (the durable activity fails and is retried): it never falls back to synthetic data. With
/// fewer than <c>Ml:Training:MinRealIssues</c> usable rows the synthetic generator is used only when
/// <c>Ml:AllowSyntheticData</c> is true; otherwise the build fails with <see cref="InsufficientDataException"/>.
/// </summary>
public sealed class IssueDatasetBuilder(IDocumentStore store, IOptions<MlOptions> options, ILogger<IssueDatasetBuilder> logger)
{
    /// <summary>Fixed period of the synthetic data set, so its content hash is reproducible.</summary>
    public static readonly DateTime SyntheticStart = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime SyntheticEnd = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Field of the <c>repositories</c> projection holding the repository's latest known primary language
    /// (maintained by the projection; the only field of it the models read).</summary>
    public const string RepositoryLanguageField = "language";

    private readonly MlOptions _options = options.Value;

    internal async Task<IssueDataset> BuildAsync(string modelName, CancellationToken ct = default)
    {
        ModelNames.EnsureKnown(modelName);
        var (issues, invalid, samples) = await LoadStoreIssuesAsync(ct);
        var usable = 0;
        if (issues.Count > 0)
        {
            var rows = ToRows(modelName, issues, _options.Labeler);
            usable = rows.Rows.Count;
            if (rows.Rows.Count >= _options.Training.MinRealIssues)
            {
                IssueDatasetBuilderLog.DatasetFromStore(logger, modelName, rows.Rows.Count, invalid, rows.Censored, rows.LeftOut);
                return IssueDataset.Create(modelName, "store", rows, _options.Training.TestFraction, invalid, samples);
            }
        }
        if (!_options.AllowSyntheticData)
        {
            throw new InsufficientDataException(
                $"The store has {usable} usable rows for {modelName} (from {issues.Count} issues); {_options.Training.MinRealIssues} are needed " +
                "(Ml:Training:MinRealIssues). Ingest more history, or set Ml:AllowSyntheticData=true to train a demo model on synthetic issues.");
        }
        IssueDatasetBuilderLog.TrainingOnSyntheticData(logger, usable, modelName, _options.Training.MinRealIssues);
        return BuildSynthetic(modelName, _options.Training.SyntheticIssues, _options.Training.Seed, _options.Training.TestFraction, labeler: _options.Labeler);
    }

    internal static IssueDataset BuildSynthetic(string modelName, int count, int seed, double testFraction, SyntheticShift? shift = null, LabelerSettings? labeler = null)
    {
        var issues = new SyntheticIssueGenerator(seed).Generate(count, SyntheticStart, SyntheticEnd, shift);
        return IssueDataset.Create(modelName, "synthetic", ToRows(modelName, issues, labeler ?? SyntheticLabeler(count)), testFraction);
    }

    /// <summary>Label-set rules for small synthetic sets (tests): a label needs 2% of the issues.</summary>
    private static LabelerSettings SyntheticLabeler(int count) => new() { MinExamples = Math.Max(2, Math.Min(30, count / 50)) };

    /// <summary>The rows a model trains on, cut off at the newest time in the data (or <paramref name="cutoff"/>).</summary>
    internal static DatasetRows ToRows(string modelName, IReadOnlyList<IssueRecord> issues, LabelerSettings labeler, DateTime? cutoff = null)
    {
        var history = IssueFeaturizer.ComputeHistory(issues);
        var asOf = cutoff ?? issues.Max(i => i.ClosedAt is { } c && c > i.CreatedAt ? c : i.CreatedAt);
        var rows = new List<IssueModelInput>(issues.Count);
        int censored = 0, leftOut = 0;
        string[] labelSet = [];
        if (modelName == ModelNames.IssueLabeler)
            labelSet = LabelSetRules.Learn(issues.Where(i => i.CreatedAt <= asOf).Select(i => i.Labels), labeler);
        for (var i = 0; i < issues.Count; i++)
        {
            var issue = issues[i];
            if (issue.CreatedAt > asOf) { leftOut++; continue; }
            var row = IssueFeaturizer.ToInput(issue, history[i]);
            if (modelName == ModelNames.IssueLabeler)
            {
                var truth = LabelSetRules.Within(issue.Labels, labelSet);
                if (truth.Count == 0) { leftOut++; continue; }
                row.LabelSet = string.Join(LabelSetRules.Separator, truth);
            }
            else if (issue.IsClosed && issue.ClosedAt <= asOf)
            {
                var days = issue.DaysToClose!.Value;
                row.ClosedWithin7Days = days <= 7;
                row.LogDaysToClose = (float)Math.Log(1 + days);
            }
            else if (asOf - issue.CreatedAt >= TimeSpan.FromDays(7))
            {
                // Still open a week after creation: a known negative; the days are a lower bound only.
                row.ClosedWithin7Days = false;
                row.Censored = true;
                row.LogDaysToClose = (float)Math.Log(1 + (asOf - issue.CreatedAt).TotalDays);
                censored++;
            }
            else
            {
                leftOut++;
                continue;
            }
            rows.Add(row);
        }
        return new DatasetRows(rows, labelSet, censored, leftOut);
    }

    private async Task<(List<IssueRecord> Issues, int Invalid, List<string> Samples)> LoadStoreIssuesAsync(CancellationToken ct)
    {
        var issues = new List<IssueRecord>();
        var samples = new List<string>();
        var invalid = 0;
        // No catch: an unreachable store fails the build (and the durable activity, which is retried).
        var docs = await store.FindAsync(Collections.Issues, DocumentQuery.All.OrderBy("created_at", descending: true).Take(_options.Training.MaxIssues), ct);
        var languages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var doc in docs)
        {
            try
            {
                var repo = doc["repo"]?.GetValueKind() == JsonValueKind.String ? doc["repo"]!.GetValue<string>() : null;
                string? language = null;
                if (repo is not null && !languages.TryGetValue(repo, out language))
                {
                    language = await RepositoryLanguageAsync(store, repo, ct);
                    languages[repo] = language;
                }
                issues.Add(IssueDocumentSchema.Parse(doc, language));
            }
            catch (IssueSchemaException ex)
            {
                invalid++;
                if (samples.Count < 5) samples.Add(ex.Message);
            }
        }
        if (invalid > 0) IssueDatasetBuilderLog.IssueDocumentsFailedSchema(logger, invalid, samples[0]);
        return (issues, invalid, samples);
    }

    /// <summary>The repository's language from the <c>repositories</c> projection, "unknown" when it has none. Used by
    /// training and serving alike.</summary>
    public static async Task<string> RepositoryLanguageAsync(IDocumentStore store, string repo, CancellationToken ct)
    {
        var doc = await store.GetAsync(Collections.Repositories, repo, ct);
        return LanguageOf(doc);
    }

    public static string LanguageOf(JsonObject? repositoryDocument) =>
        repositoryDocument?[RepositoryLanguageField] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } l ? l : "unknown";
}

/// <summary>The source-generated log messages of IssueDatasetBuilder (event ids: docs/architecture.md).</summary>
internal static partial class IssueDatasetBuilderLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Dataset for {Model}: {Rows} rows from the store ({Invalid} invalid documents skipped, {Censored} censored, {LeftOut} left out)")]
    public static partial void DatasetFromStore(ILogger logger, string model, int rows, int invalid, int censored, int leftOut);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Store has {Rows} usable rows for {Model} (< {Min}); Ml:AllowSyntheticData is true: training on synthetic issues")]
    public static partial void TrainingOnSyntheticData(ILogger logger, int rows, string model, int min);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Invalid} issue documents failed the schema, e.g. {Sample}")]
    public static partial void IssueDocumentsFailedSchema(ILogger logger, int invalid, string sample);
}
