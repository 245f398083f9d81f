using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pipeline.ML.Data;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;

namespace Pipeline.UnitTests.ML;

/// <summary>
/// The allocation-free forms of the per-request work (input hash, label decision, timestamps, history of a first issue)
/// give exactly what the straightforward forms they replaced gave: the hash joins predictions to their inputs and the
/// decision is the labeler's answer, in training evaluation as in serving.
/// </summary>
public class ServingHotPathEquivalenceTests
{
    private static string ReferenceHash(IssuePredictionRequest r) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\u001f', r.Repo, r.Title, r.Body, r.Author, r.AuthorAssociation, r.Language, string.Join(',', r.Labels ?? [])))));

    [Fact]
    public void Input_hash_is_the_hash_of_the_joined_fields()
    {
        var issues = new SyntheticIssueGenerator(7).Generate(300, IssueDatasetBuilder.SyntheticStart, IssueDatasetBuilder.SyntheticEnd);
        var requests = issues.Select(i => new IssuePredictionRequest
        {
            Title = i.Title,
            Body = i.Body,
            Repo = i.Repo,
            Author = i.Author,
            AuthorAssociation = i.AuthorAssociation,
            Language = i.Language,
            Labels = i.Labels.ToList(),
        }).ToList();
        requests.Add(new IssuePredictionRequest { Title = "only a title" });
        requests.Add(new IssuePredictionRequest { Title = "", Body = "", Repo = "", Labels = [] });
        requests.Add(new IssuePredictionRequest { Title = "lone \ud800", Body = "\udc00 starts", Repo = "o/r", Labels = ["a\ud83d", "\ude80b", "", "c d"] });
        requests.Add(new IssuePredictionRequest { Title = "emoji 🚀 中文", Body = new string('é', 70_000), Repo = "o/r", Author = "ü", Labels = ["x"] });
        foreach (var r in requests) Assert.Equal(ReferenceHash(r), PredictionService.InputHash(r));
        // The per-thread hash state is reset between calls: the same request hashes the same from several threads.
        var hashes = new string[64];
        Parallel.For(0, hashes.Length, i => hashes[i] = PredictionService.InputHash(requests[i % 3]));
        for (var i = 0; i < hashes.Length; i++) Assert.Equal(ReferenceHash(requests[i % 3]), hashes[i]);
    }

    private static (List<LabelScore> Predicted, LabelScore Top) ReferenceDecide(FittedModel model, float[] probabilities)
    {
        var scores = model.Labels.Select((l, k) => new LabelScore(l, Math.Round(k < probabilities.Length && float.IsFinite(probabilities[k]) ? probabilities[k] : 0, 6))).ToList();
        var predicted = scores.Where((s, k) => s.Score >= model.Thresholds[k]).OrderByDescending(s => s.Score).ThenBy(s => s.Label, StringComparer.Ordinal).ToList();
        var top = scores.OrderByDescending(s => s.Score).ThenBy(s => s.Label, StringComparer.Ordinal).First();
        return (predicted, top);
    }

    [Fact]
    public void Label_decision_matches_the_sorted_form_including_ties_and_non_finite_scores()
    {
        var rng = new Random(5);
        var labels = new[] { "bug", "enhancement", "documentation", "question", "performance", "security", "Bug", "area:ui" };
        for (var n = 0; n < 5000; n++)
        {
            var count = rng.Next(1, labels.Length + 1);
            var model = new FittedModel(null!, labels[..count], Enumerable.Range(0, count).Select(_ => Math.Round(rng.NextDouble(), 1)).ToArray());
            var probabilities = Enumerable.Range(0, rng.Next(0, count + 2)).Select(_ => rng.Next(6) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => (float)Math.Round(rng.NextDouble(), 1), // ties
                _ => (float)rng.NextDouble(),
            }).ToArray();
            var expected = ReferenceDecide(model, probabilities);
            var actual = LabelerSpec.Decide(model, probabilities);
            Assert.Equal(expected.Top, actual.Top);
            Assert.Equal(expected.Predicted, actual.Predicted);
        }
    }

    [Fact]
    public void Stored_timestamps_keep_their_format()
    {
        var rng = new Random(3);
        var times = new List<DateTime>
        {
            DateTime.UnixEpoch, new(1, 1, 1, 0, 0, 0, DateTimeKind.Utc), new(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc),
            new(2024, 2, 29, 13, 5, 9, 7, DateTimeKind.Utc), new DateTime(2026, 12, 2, 22, 0, 0, DateTimeKind.Utc).AddTicks(9_999),
            new(2025, 6, 1, 8, 30, 0, DateTimeKind.Local), DateTime.UtcNow, DateTime.Now,
        };
        for (var i = 0; i < 2000; i++) times.Add(new DateTime(rng.NextInt64(new DateTime(1990, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks), DateTimeKind.Utc));
        foreach (var t in times)
            Assert.Equal(t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), IssueDocumentSchema.FormatTime(t));
    }

    [Fact]
    public void A_first_issue_gets_the_history_the_full_computation_gives_it()
    {
        var issue = new IssueRecord("o/r", 1, "t", "b", [], "open", "someone", "NONE", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, "C#");
        Assert.Equal(IssueFeaturizer.ComputeHistory([issue])[0], IssueFeaturizer.NoPriorIssues);
        Assert.Equal(IssueFeaturizer.ComputeHistory([issue])[0], IssueFeaturizer.HistoryOf(issue, [issue]));
    }
}
