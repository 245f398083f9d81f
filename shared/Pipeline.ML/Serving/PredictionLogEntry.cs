using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.ML.Data;

namespace Pipeline.ML.Serving;

/// <summary>
/// One queued prediction-log entry: either a ready document, or the values a served prediction is logged with, turned
/// into the stored document by <see cref="ToDocument"/> only when <see cref="PredictionLogWriter"/> takes it for a batch.
/// Why deferred: under load an entry waits in the queue across several gen-0 collections, so a tree of some thirty
/// <see cref="JsonNode"/> objects built on the request thread was promoted (and copied) by each of them; this entry is one
/// object holding the features' numbers and references to strings and a prediction the response already has, and the tree
/// built right before the insert dies young. The document is the same, field for field.
/// </summary>
internal sealed class PredictionLogEntry
{
    private readonly JsonObject? _document;
    private readonly object? _output;
    private readonly string _model = string.Empty;
    private readonly int _version;
    private readonly DateTime _createdAt;
    private readonly string _source = string.Empty;
    private readonly string _datasetSource = string.Empty;
    private readonly string _inputHash = string.Empty;
    private readonly string? _issueRef;
    private readonly int _textChars;
    private readonly float _repoActivity30d;
    private readonly float _repoMeanCloseDays;
    private readonly float _authorPriorIssues;
    private readonly float _authorFastCloseRate;
    private readonly float _textLength;
    private readonly string _repo = string.Empty;
    private readonly string _authorAssociation = string.Empty;
    private readonly string _language = string.Empty;
    private readonly string _labelsText = string.Empty;
    private readonly double _latencyMs;

    private PredictionLogEntry(string id, JsonObject document)
    {
        Id = id;
        _document = document;
    }

    /// <param name="output">A <see cref="LabelerPrediction"/> or <see cref="TimeToClosePrediction"/> (immutable records).</param>
    private PredictionLogEntry(string id, string model, int version, DateTime createdAt, string source, string datasetSource, string inputHash,
        string? issueRef, IssueModelInput input, object output, double latencyMs)
    {
        Id = id;
        _model = model;
        _version = version;
        _createdAt = createdAt;
        _source = source;
        _datasetSource = datasetSource;
        _inputHash = inputHash;
        _issueRef = issueRef;
        // The input's values, not the input: it holds the cleaned text, which the log does not keep.
        _textChars = input.Text.Length;
        _repoActivity30d = input.RepoActivity30d;
        _repoMeanCloseDays = input.RepoMeanCloseDays;
        _authorPriorIssues = input.AuthorPriorIssues;
        _authorFastCloseRate = input.AuthorFastCloseRate;
        _textLength = input.TextLength;
        _repo = input.Repo;
        _authorAssociation = input.AuthorAssociation;
        _language = input.Language;
        _labelsText = input.LabelsText;
        _output = output;
        _latencyMs = latencyMs;
    }

    public string Id { get; }

    public static PredictionLogEntry Ready(string id, JsonObject document) => new(id, document);

    public static PredictionLogEntry Labeler(string id, LabelerPrediction label, DateTime createdAt, string source, string inputHash, string? issueRef,
        IssueModelInput input, double latencyMs) =>
        new(id, label.Model, label.Version, createdAt, source, label.DatasetSource, inputHash, issueRef, input, label, latencyMs);

    public static PredictionLogEntry TimeToClose(string id, TimeToClosePrediction ttc, DateTime createdAt, string source, string inputHash, string? issueRef,
        IssueModelInput input, double latencyMs) =>
        new(id, ttc.Model, ttc.Version, createdAt, source, ttc.DatasetSource, inputHash, issueRef, input, ttc, latencyMs);

    /// <summary>The stored document (built anew on each call for deferred entries).</summary>
    public JsonObject ToDocument()
    {
        if (_document is not null) return _document;
        var output = _output switch
        {
            LabelerPrediction label => LabelerOutputDocument(label),
            TimeToClosePrediction ttc => TimeToCloseOutputDocument(ttc),
            _ => throw new InvalidOperationException($"no log output for {_output?.GetType().Name ?? "null"}"),
        };
        return Document(_model, _version, _createdAt, _source, _datasetSource, _inputHash, _issueRef, _repo, FeaturesDocument(), output, _latencyMs);
    }

    /// <summary>A prediction-log document (the <c>predictions</c> collection's shape; continuous evaluation reads it).</summary>
    internal static JsonObject Document(string model, int version, DateTime createdAt, string source, string datasetSource, string inputHash, string? issueRef,
        string repo, JsonObject features, JsonObject output, double latencyMs) => new(
    [
        new("model", model),
        new("version", version),
        new("created_at", IssueDocumentSchema.FormatTime(createdAt)),
        new("source", source),
        new("dataset_source", datasetSource),
        new("input_hash", inputHash),
        new("issue_ref", issueRef),
        new("repo", repo),
        new("features", features),
        new("output", output),
        new("latency_ms", Math.Round(latencyMs, 3)),
        new("resolved", false),
    ]);

    private JsonObject FeaturesDocument() => Features(_textChars, _repoActivity30d, _repoMeanCloseDays, _authorPriorIssues, _authorFastCloseRate, _textLength,
        _repo, _authorAssociation, _language, _labelsText);

    /// <summary>The logged features of a model row (built from arrays of properties: the object is sized once).</summary>
    internal static JsonObject Features(IssueModelInput input) => Features(input.Text.Length, input.RepoActivity30d, input.RepoMeanCloseDays,
        input.AuthorPriorIssues, input.AuthorFastCloseRate, input.TextLength, input.Repo, input.AuthorAssociation, input.Language, input.LabelsText);

    private static JsonObject Features(int textChars, float repoActivity30d, float repoMeanCloseDays, float authorPriorIssues, float authorFastCloseRate,
        float textLength, string repo, string authorAssociation, string language, string labelsText) => new(
    [
        new("text_chars", textChars),
        new("RepoActivity30d", repoActivity30d),
        new("RepoMeanCloseDays", Math.Round(repoMeanCloseDays, 4)),
        new("AuthorPriorIssues", authorPriorIssues),
        new("AuthorFastCloseRate", Math.Round(authorFastCloseRate, 4)),
        new("TextLength", Math.Round(textLength, 4)),
        new("Repo", repo),
        new("AuthorAssociation", authorAssociation),
        new("Language", language),
        new("labels", labelsText),
    ]);

    internal static JsonObject LabelerOutputDocument(LabelerPrediction label) => new(
    [
        new("label", label.Label),
        new("confidence", label.Confidence),
        new("labels", ScoresArray(label.Labels)),
        new("top", ScoresArray(label.Top)),
    ]);

    private static JsonArray ScoresArray(IReadOnlyList<LabelScore> scores)
    {
        var items = new JsonNode?[scores.Count];
        for (var i = 0; i < items.Length; i++) items[i] = new JsonObject([new("label", scores[i].Label), new("score", scores[i].Score)]);
        return new JsonArray(items);
    }

    internal static JsonObject TimeToCloseOutputDocument(TimeToClosePrediction ttc) => new()
    {
        ["closes_within_7_days"] = ttc.ClosesWithin7Days,
        ["probability"] = ttc.Probability,
        ["expected_days"] = ttc.ExpectedDays,
    };
}
