using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Training;

namespace Pipeline.UnitTests.ML;

/// <summary>Drift on generated windows with fixed seeds: a shifted window drifts, a same-distribution window does not.</summary>
public class DriftDetectorTests
{
    private static readonly DriftSettings Settings = new();

    // Reference and same-distribution windows are disjoint random halves of one generated population (seed 1);
    // shifted windows come from the same generator with a shift applied.
    private static List<IssueModelInput> Population(SyntheticShift? shift)
    {
        var issues = new SyntheticIssueGenerator(1).Generate(6000, IssueDatasetBuilder.SyntheticStart, IssueDatasetBuilder.SyntheticEnd, shift);
        var rng = new Random(2);
        return IssueDatasetBuilder.ToRows(ModelNames.TimeToClose, issues, new LabelerSettings()).Rows.OrderBy(_ => rng.Next()).ToList();
    }

    private static readonly Lazy<List<IssueModelInput>> Base = new(() => Population(null));

    private static DriftReference Reference(int size = int.MaxValue)
    {
        var rows = Base.Value;
        return DriftReference.FromRows(rows.Take(Math.Min(size, rows.Count / 2)).ToList(), [], [], seed: 1);
    }

    private static DriftWindow Window(int count, SyntheticShift? shift)
    {
        var pool = shift is null ? Base.Value.Skip(Base.Value.Count / 2).ToList() : Population(shift);
        var rows = pool.Take(count).ToList();
        var w = new DriftWindow { Count = rows.Count };
        foreach (var f in IssueModelInput.NumericFeatures) w.Numeric[f] = rows.Select(r => (double)r.Numeric(f)).ToList();
        foreach (var f in IssueModelInput.CategoricalFeatures) w.Categorical[f] = rows.Select(r => r.Categorical(f)).ToList();
        return w;
    }

    private static readonly SyntheticShift Shifted = new()
    {
        RepoIndexes = [5, 8, 9],
        BodyLengthFactor = 2.5,
        FirstTimerShare = 0.9,
    };

    [Theory]
    [InlineData(800, 400)]    // small reference: KS (exact p-values) and chi-squared
    [InlineData(2000, 400)]   // large reference: normed Wasserstein and Jensen-Shannon, whatever the window size
    [InlineData(2000, 1500)]
    public void Same_distribution_window_does_not_drift(int referenceSize, int size)
    {
        var result = DriftDetector.Detect(Reference(referenceSize), Window(size, shift: null), Settings);
        Assert.False(result.DatasetDrift, string.Join("; ", result.Features.Select(f => $"{f.Feature} {f.Test}={f.Statistic:0.###} p={f.PValue:0.###} drift={f.Drifted}")));
        Assert.True(result.DriftShare < 0.5);
        var expectedTests = referenceSize <= Settings.SmallSampleMax ? new[] { "ks", "chi_squared" } : ["wasserstein_normed", "jensen_shannon"];
        Assert.All(result.Features, f => Assert.Contains(f.Test, expectedTests));
    }

    [Fact]
    public void Numeric_features_with_few_values_are_tested_as_categorical()
    {
        var reference = new DriftReference { Numeric = new() { ["AuthorPriorIssues"] = Enumerable.Range(0, 600).Select(i => (double)(i % 3)).ToArray() } };
        var window = new DriftWindow { Count = 300 };
        window.Numeric["AuthorPriorIssues"] = Enumerable.Range(0, 300).Select(i => (double)(i % 3)).ToList();
        var f = Assert.Single(DriftDetector.Detect(reference, window, Settings).Features);
        Assert.Equal("numeric_as_categorical", f.Kind);
        Assert.Equal("chi_squared", f.Test);
        Assert.False(f.Drifted);
    }

    [Theory]
    [InlineData(800, 400)]
    [InlineData(2000, 400)]
    [InlineData(2000, 1500)]
    public void Shifted_window_drifts(int referenceSize, int size)
    {
        var result = DriftDetector.Detect(Reference(referenceSize), Window(size, shift: Shifted), Settings);
        Assert.True(result.DatasetDrift, string.Join("; ", result.Features.Select(f => $"{f.Feature} {f.Test}={f.Statistic:0.###} p={f.PValue:0.###} drift={f.Drifted}")));
        Assert.Contains(result.Features, f => f.Feature == "Repo" && f.Drifted && f.Psi > 0.2);
        Assert.Contains(result.Features, f => f.Feature == "AuthorAssociation" && f.Drifted);
        Assert.Contains(result.Features, f => f.Feature == "TextLength" && f.Drifted);
    }

    [Fact]
    public void Prediction_distribution_drift_is_reported()
    {
        var reference = new DriftReference
        {
            PredictedLabels = Enumerable.Range(0, 500).Select(i => i % 2 == 0 ? "bug" : "enhancement").ToArray(),
            PredictedScores = Enumerable.Range(0, 500).Select(i => 0.5 + (i % 10) / 25.0).ToArray(),
        };
        var same = new DriftWindow();
        same.PredictedLabels.AddRange(Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? "bug" : "enhancement"));
        same.PredictedScores.AddRange(Enumerable.Range(0, 200).Select(i => 0.5 + (i % 10) / 25.0));
        Assert.False(DriftDetector.Detect(reference, same, Settings).PredictionDrift);
        var shifted = new DriftWindow();
        shifted.PredictedLabels.AddRange(Enumerable.Range(0, 200).Select(i => i % 5 == 0 ? "bug" : "question"));
        shifted.PredictedScores.AddRange(Enumerable.Range(0, 200).Select(i => 0.3 + (i % 10) / 50.0));
        var result = DriftDetector.Detect(reference, shifted, Settings);
        Assert.True(result.PredictionDrift);
        Assert.All(result.Predictions, p => Assert.True(p.Drifted));
    }
}
