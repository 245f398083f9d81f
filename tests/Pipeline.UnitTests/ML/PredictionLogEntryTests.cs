using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.UnitTests.ML;

/// <summary>
/// A deferred prediction-log entry (values kept, document built by the writer) stores exactly the document the request
/// thread used to build: continuous evaluation reads these fields, so the stored JSON must not change by a byte.
/// </summary>
public class PredictionLogEntryTests
{
    /// <summary>The former in-request construction (PredictionService.Record before deferral), kept verbatim.</summary>
    private static JsonObject ReferenceDocument(string model, int version, DateTime now, string source, string datasetSource, string hash, string? issueRef,
        IssueModelInput input, JsonObject output, double latencyMs)
    {
        JsonObject features = new(
        [
            new("text_chars", input.Text.Length),
            new("RepoActivity30d", input.RepoActivity30d),
            new("RepoMeanCloseDays", Math.Round(input.RepoMeanCloseDays, 4)),
            new("AuthorPriorIssues", input.AuthorPriorIssues),
            new("AuthorFastCloseRate", Math.Round(input.AuthorFastCloseRate, 4)),
            new("TextLength", Math.Round(input.TextLength, 4)),
            new("Repo", input.Repo),
            new("AuthorAssociation", input.AuthorAssociation),
            new("Language", input.Language),
            new("labels", input.LabelsText),
        ]);
        return new JsonObject(
        [
            new("model", model),
            new("version", version),
            new("created_at", IssueDocumentSchema.FormatTime(now)),
            new("source", source),
            new("dataset_source", datasetSource),
            new("input_hash", hash),
            new("issue_ref", issueRef),
            new("repo", input.Repo),
            new("features", features),
            new("output", output),
            new("latency_ms", Math.Round(latencyMs, 3)),
            new("resolved", false),
        ]);
    }

    private static JsonArray ReferenceScores(IReadOnlyList<LabelScore> scores) =>
        new(scores.Select(s => (JsonNode?)new JsonObject { ["label"] = s.Label, ["score"] = s.Score }).ToArray());

    private static IssueModelInput Input(string text, string? labels = null) => new()
    {
        Text = text,
        Repo = "acme/api",
        AuthorAssociation = "MEMBER",
        Language = "C#",
        LabelsText = labels ?? "none",
        TextLength = (float)Math.Log(1 + text.Length),
        RepoActivity30d = 17,
        RepoMeanCloseDays = 3.14159274f,
        AuthorPriorIssues = 2,
        AuthorFastCloseRate = 0.6666667f,
    };

    public static TheoryData<string, string?, string?> Cases => new()
    {
        { "crash on start", "acme/api#7", null },
        { "", null, "bug docs" },
        { "emoji 🚀 中文 \u0000 lone \ud800", "o/r#1", "a\ud83d" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Deferred_labeler_entry_stores_the_former_document(string text, string? issueRef, string? labels)
    {
        var input = Input(text, labels);
        var now = new DateTime(2026, 12, 3, 6, 1, 2, 345, DateTimeKind.Utc);
        IReadOnlyList<LabelScore> top = [new("bug", 0.81234567), new("docs", 0.1), new("question", 1e-9)];
        var label = new LabelerPrediction(ModelNames.IssueLabeler, 4, "bug", 0.81234567, top) { Labels = [top[0]], DatasetSource = "synthetic" };
        var entry = PredictionLogEntry.Labeler("id-1", label, now, "api", new string('a', 64), issueRef, input, 0.123456);
        var reference = ReferenceDocument(ModelNames.IssueLabeler, 4, now, "api", "synthetic", new string('a', 64), issueRef, input,
            new JsonObject { ["label"] = "bug", ["confidence"] = 0.81234567, ["labels"] = ReferenceScores(label.Labels), ["top"] = ReferenceScores(top) }, 0.123456);

        Assert.Equal("id-1", entry.Id);
        Assert.Equal(DocumentJson.Serialize("id-1", reference, replaceNul: true), DocumentJson.Serialize(entry.Id, entry.ToDocument(), replaceNul: true));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Deferred_time_to_close_entry_stores_the_former_document(string text, string? issueRef, string? labels)
    {
        var input = Input(text, labels);
        var now = new DateTime(2026, 1, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        var ttc = new TimeToClosePrediction(ModelNames.TimeToClose, 2, true, 0.7071, 4.25) { DatasetSource = "store" };
        var entry = PredictionLogEntry.TimeToClose("id-2", ttc, now, "batch", "h", issueRef, input, 12.3456789);
        var reference = ReferenceDocument(ModelNames.TimeToClose, 2, now, "batch", "store", "h", issueRef, input,
            new JsonObject { ["closes_within_7_days"] = true, ["probability"] = 0.7071, ["expected_days"] = 4.25 }, 12.3456789);

        Assert.Equal(DocumentJson.Serialize("id-2", reference, replaceNul: true), DocumentJson.Serialize(entry.Id, entry.ToDocument(), replaceNul: true));
    }

    [Fact]
    public void Deferred_entry_does_not_keep_the_input_and_is_unchanged_by_later_input_edits()
    {
        var input = Input("first text");
        var ttc = new TimeToClosePrediction(ModelNames.TimeToClose, 1, false, 0.2, 9);
        var entry = PredictionLogEntry.TimeToClose("id", ttc, DateTime.UtcNow, "api", "h", null, input, 1);
        var before = entry.ToDocument().ToJsonString();
        input.Text = "a much longer text than before";
        input.Repo = "other/repo";
        input.RepoActivity30d = 99;
        Assert.Equal(before, entry.ToDocument().ToJsonString());
    }

    [Fact]
    public void Ready_entry_is_stored_as_given()
    {
        var document = new JsonObject { ["model"] = "m", ["output"] = new JsonObject { ["label_set"] = new JsonArray("a", "b") } };
        var entry = PredictionLogEntry.Ready("m@v1:o/r#1", document);
        Assert.Equal("m@v1:o/r#1", entry.Id);
        Assert.Same(document, entry.ToDocument());
    }
}
