using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Registry;
using Pipeline.ML.Training;
using Xunit.Abstractions;

namespace Pipeline.UnitTests.ML;

/// <summary>
/// Training on generated data. Stated floors on the time-held-out test set (documented in docs/ml.md):
/// issue-labeler (multi-label) macro-F1 ≥ 0.70, top label correct ≥ 0.80, at least one true label predicted ≥ 0.80;
/// time-to-close AUC ≥ 0.80, F1 ≥ 0.60, expected calibration error ≤ 0.10, MAE ≤ 10 days; both beat their baseline.
/// </summary>
public class TrainingTests(ITestOutputHelper output)
{
    private static TrainingSettings Small() => new() { Grid = "small", CvFolds = 3, GridBudgetSeconds = 60, Seed = 42, CvMaxRows = 2400 };

    private (CrossValidationResult Cv, ModelEvaluation Eval) TrainAndEvaluate(IssueDataset dataset, TrainingSettings settings)
    {
        var cv = CrossValidator.Run(ModelSpec.For(dataset.ModelName), dataset.Train, settings);
        foreach (var c in cv.Candidates)
            output.WriteLine($"{c.Candidate.Describe()} {c.Status} {string.Join(", ", c.MeanMetrics.Select(kv => $"{kv.Key}={kv.Value:0.###}"))} {c.Seconds:0.0}s");
        var trained = ModelTrainer.TrainFinal(dataset, cv.Best, settings);
        var eval = ModelTrainer.Evaluate(dataset, trained.Artifact, settings);
        output.WriteLine($"best {cv.Best.Describe()} test: {string.Join(", ", eval.TestMetrics.Select(kv => $"{kv.Key}={kv.Value:0.###}"))}");
        output.WriteLine($"baseline: {string.Join(", ", eval.BaselineMetrics.Select(kv => $"{kv.Key}={kv.Value:0.###}"))}");
        return (cv, eval);
    }

    [Fact]
    public void Labeler_reaches_its_floors_with_slices_and_reference()
    {
        var dataset = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 3000, 42, 0.2);
        var (cv, eval) = TrainAndEvaluate(dataset, Small());
        Assert.Equal(3, cv.Candidates.Count(c => c.Status == "ok")); // SDCA, LightGBM, FastTree, each one-versus-rest
        var m = eval.TestMetrics;
        Assert.True(m[MetricNames.MacroF1] >= 0.70, $"macro-F1 {m[MetricNames.MacroF1]}");
        Assert.True(m[MetricNames.Accuracy] >= 0.80, $"top label correct {m[MetricNames.Accuracy]}");
        Assert.True(m[MetricNames.AnyTrueLabelRate] >= 0.80, $"any true label {m[MetricNames.AnyTrueLabelRate]}");
        Assert.InRange(m[MetricNames.NoPredictionRate], 0, 0.2);
        Assert.Equal(1.0, m[MetricNames.LabelCoverage]);
        Assert.True(m[MetricNames.MacroF1] > eval.BaselineMetrics[MetricNames.MacroF1] + 0.2, "beats the majority-label baseline");
        Assert.Contains(eval.SliceMetrics.Keys, k => k.StartsWith("repo:"));
        Assert.Contains(eval.SliceMetrics.Keys, k => k.StartsWith("language:"));
        Assert.Equal(IssueModelInput.NumericFeatures.Length, eval.Reference.Numeric.Count);
        Assert.Equal(dataset.Test.Count, eval.Reference.PredictedLabels.Length);
        Assert.True(ModelGate.Decide(new GateInput(ModelNames.IssueLabeler, eval.TestMetrics, "synthetic", eval.BaselineMetrics, null, null), new GateSettings()).Promote);
    }

    [Fact]
    public void Time_to_close_reaches_its_floors()
    {
        var dataset = IssueDatasetBuilder.BuildSynthetic(ModelNames.TimeToClose, 3000, 42, 0.2);
        var (_, eval) = TrainAndEvaluate(dataset, Small());
        var m = eval.TestMetrics;
        Assert.True(m[MetricNames.Auc] >= 0.80, $"AUC {m[MetricNames.Auc]}");
        Assert.True(m[MetricNames.F1] >= 0.60, $"F1 {m[MetricNames.F1]}");
        Assert.Equal(0.5, eval.BaselineMetrics[MetricNames.Auc], 6); // the prior rate ranks nothing
        Assert.True(m[MetricNames.CalibrationError] <= 0.10, $"ECE {m[MetricNames.CalibrationError]}");
        Assert.True(m[MetricNames.MaeDays] <= 10, $"MAE {m[MetricNames.MaeDays]}");
        Assert.True(ModelGate.Decide(new GateInput(ModelNames.TimeToClose, m, "synthetic", eval.BaselineMetrics, null, null), new GateSettings()).Promote);
    }

    [Fact]
    public void Same_dataset_and_parameters_reproduce_the_same_metrics()
    {
        var settings = Small();
        var candidate = TrainerGrid.For(ModelNames.IssueLabeler, settings)[0];
        var first = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 1200, 9, 0.2);
        var second = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 1200, 9, 0.2);
        Assert.Equal(first.Hash, second.Hash);
        var a = ModelTrainer.Evaluate(first, ModelTrainer.TrainFinal(first, candidate, settings).Artifact, settings);
        var b = ModelTrainer.Evaluate(second, ModelTrainer.TrainFinal(second, candidate, settings).Artifact, settings);
        Assert.Equal(a.TestMetrics, b.TestMetrics);
        Assert.Equal(a.SliceMetrics.Keys, b.SliceMetrics.Keys);
    }

    [Fact]
    public void Shuffled_labels_fail_the_gate()
    {
        var settings = Small();
        var dataset = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 1500, 11, 0.2);
        var rng = new Random(1);
        var labels = dataset.Train.Select(r => r.LabelSet).OrderBy(_ => rng.Next()).ToList();
        for (var i = 0; i < labels.Count; i++) dataset.Train[i].LabelSet = labels[i];
        var candidate = TrainerGrid.For(ModelNames.IssueLabeler, settings)[0];
        var eval = ModelTrainer.Evaluate(dataset, ModelTrainer.TrainFinal(dataset, candidate, settings).Artifact, settings);
        output.WriteLine(string.Join(", ", eval.TestMetrics.Select(kv => $"{kv.Key}={kv.Value:0.###}")));
        var decision = ModelGate.Decide(new GateInput(ModelNames.IssueLabeler, eval.TestMetrics, "synthetic", eval.BaselineMetrics, null, null), new GateSettings());
        Assert.False(decision.Promote);
        Assert.Contains("macro_f1", decision.Reason);
    }

    [Fact]
    public void Grid_budget_skips_remaining_candidates()
    {
        var settings = Small();
        settings.GridBudgetSeconds = 1;
        var dataset = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 600, 12, 0.2);
        var cv = CrossValidator.Run(ModelSpec.For(dataset.ModelName), dataset.Train, settings);
        Assert.Equal("ok", cv.Candidates[0].Status);
        Assert.Contains(cv.Candidates, c => c.Status.StartsWith("skipped: grid budget"));
    }
}
