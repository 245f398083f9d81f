using Pipeline.ML;
using Pipeline.ML.Registry;
using Pipeline.ML.Training;

namespace Pipeline.UnitTests.ML;

public class MetricsAndGateTests
{
    [Fact]
    public void Multiclass_metrics()
    {
        var truth = new[] { "a", "a", "b", "b", "c" };
        var predicted = new[] { "a", "b", "b", "b", "a" };
        var m = ClassificationMetrics.Multiclass(truth, predicted, [0.8, 0.4, 0.9, 0.6, 0.1]);
        Assert.Equal(0.6, m[MetricNames.Accuracy], 10);
        // F1(a) = 2*1/(2+1+1) = 0.5, F1(b) = 2*2/(4+1+0) = 0.8, F1(c) = 0 -> macro 0.43333
        Assert.Equal(1.3 / 3, m[MetricNames.MacroF1], 10);
        var logLoss = new[] { 0.8, 0.4, 0.9, 0.6, 0.1 }.Average(p => -Math.Log(p));
        Assert.Equal(logLoss, m[MetricNames.LogLoss], 10);
    }

    [Fact]
    public void Binary_metrics()
    {
        bool[] truth = [true, true, false, false];
        double[] p = [0.9, 0.4, 0.6, 0.1];
        var m = ClassificationMetrics.Binary(truth, p);
        Assert.Equal(0.75, m[MetricNames.Auc], 10); // 3 of 4 positive/negative pairs ordered correctly
        Assert.Equal(0.5, m[MetricNames.Accuracy], 10);
        Assert.Equal(0.5, m[MetricNames.F1], 10);
        // bins: 0.1 (y=0) |0.1|, 0.4 (y=1) |0.6|, 0.6 (y=0) |0.6|, 0.9 (y=1) |0.1| -> ECE = (0.1+0.6+0.6+0.1)/4
        Assert.Equal(0.35, m[MetricNames.CalibrationError], 10);
        Assert.Equal((0.01 + 0.36 + 0.36 + 0.01) / 4, m[MetricNames.Brier], 10);
        Assert.Equal(0.5, ClassificationMetrics.Auc([true, false], [0.5, 0.5]), 10); // ties count half
        Assert.False(ClassificationMetrics.Binary([true, true], [0.2, 0.9]).ContainsKey(MetricNames.Auc)); // undefined with one class
    }

    [Fact]
    public void Multi_label_metrics_of_tag_prediction()
    {
        IReadOnlyList<string>[] truth = [["bug"], ["bug", "ui"], ["docs"], ["ui"]];
        IReadOnlyList<string>[] predicted = [["bug"], ["bug"], [], ["bug", "ui"]];
        var m = ClassificationMetrics.MultiLabel(truth, predicted, ["bug", "bug", "bug", "ui"], ["bug", "docs", "ui"]);
        Assert.Equal(0.75, m[MetricNames.Accuracy], 10);           // top label is a true label for 3 of 4
        Assert.Equal(0.75, m[MetricNames.AnyTrueLabelRate], 10);   // issues 1, 2, 4
        Assert.Equal(0.5, m[MetricNames.AllTrueLabelsRate], 10);   // issues 1, 4
        Assert.Equal(0.25, m[MetricNames.NoPredictionRate], 10);   // issue 3
        Assert.Equal(2.0 / 3, m[MetricNames.LabelCoverage], 10);   // docs is never predicted
        // F1: bug tp2 fp1 fn0 = 0.8; docs 0; ui tp1 fp0 fn1 = 2/3
        Assert.Equal((0.8 + 0 + 2.0 / 3) / 3, m[MetricNames.MacroF1], 10);
    }

    private static readonly GateSettings Gate = new() { Margin = 0.01, BaselineMargin = 0.02, MinMacroF1 = 0.6, MinAccuracy = 0.6, MinAuc = 0.7, MaxCalibrationError = 0.1 };

    private static Dictionary<string, double> L(double f1, double acc = 0.85) => new() { ["macro_f1"] = f1, ["accuracy"] = acc };

    private static GateDecision Labeler(Dictionary<string, double> candidate, string source = "store", Dictionary<string, double>? baseline = null,
        Dictionary<string, double>? champion = null, string? championSource = "store") =>
        ModelGate.Decide(new GateInput(ModelNames.IssueLabeler, candidate, source, baseline ?? L(0.2, 0.4), champion, champion is null ? null : championSource), Gate);

    [Fact]
    public void First_model_is_promoted_when_it_meets_thresholds_and_beats_the_baseline()
    {
        var d = Labeler(L(0.8));
        Assert.True(d.Promote);
        Assert.Contains("first champion", d.Reason);
        Assert.Equal(0.2, d.BaselinePrimary);
        var noBetter = Labeler(L(0.8), baseline: L(0.79));
        Assert.False(noBetter.Promote);
        Assert.Contains("does not beat the baseline 0.79 by margin 0.02", noBetter.Reason);
    }

    [Fact]
    public void Model_below_absolute_thresholds_is_not_promoted()
    {
        var d = Labeler(L(0.3, 0.7));
        Assert.False(d.Promote);
        Assert.Equal(["macro_f1 0.3 < 0.6"], d.FailedChecks);
        var t = ModelGate.Decide(new GateInput(ModelNames.TimeToClose, new Dictionary<string, double> { ["auc"] = 0.9, ["ece"] = 0.2 }, "store",
            new Dictionary<string, double> { ["auc"] = 0.5 }, null, null), Gate);
        Assert.False(t.Promote);
        Assert.Contains("ece 0.2 > 0.1", t.Reason);
    }

    [Fact]
    public void Challenger_must_beat_champion_by_the_margin()
    {
        var champion = new Dictionary<string, double> { ["auc"] = 0.80, ["ece"] = 0.05 };
        var baseline = new Dictionary<string, double> { ["auc"] = 0.5 };
        GateDecision Ttc(double auc) => ModelGate.Decide(new GateInput(ModelNames.TimeToClose, new Dictionary<string, double> { ["auc"] = auc, ["ece"] = 0.05 },
            "store", baseline, champion, "store"), Gate);
        var slightly = Ttc(0.805);
        Assert.False(slightly.Promote);
        Assert.Contains("does not beat champion 0.8 by margin 0.01", slightly.Reason);
        var clearly = Ttc(0.83);
        Assert.True(clearly.Promote);
        Assert.Equal(0.8, clearly.ChampionPrimary);
    }

    [Fact]
    public void A_synthetic_challenger_never_replaces_a_real_champion()
    {
        var d = Labeler(L(0.95, 0.95), source: "synthetic", champion: L(0.61), championSource: "store");
        Assert.False(d.Promote);
        Assert.Contains("a challenger trained on synthetic data never replaces a champion trained on real data", d.Reason);
        Assert.True(Labeler(L(0.95, 0.95), source: "synthetic", champion: L(0.61), championSource: "synthetic").Promote);
    }

    [Fact]
    public void A_champion_below_the_floors_gives_way_to_a_better_challenger()
    {
        // As seen under make run: serving champion 0.40 on the current test set, challenger 0.50, floor 0.55.
        var d = Labeler(L(0.50, 0.58), champion: L(0.40, 0.5));
        Assert.True(d.Promote, d.Reason);
        Assert.True(d.ChampionBelowFloors);
        Assert.Contains("the champion is below the floors on this test set", d.Reason);
        Assert.Contains("although it also misses them", d.Reason);
        // ...but not a challenger that is no better than it.
        var worse = Labeler(L(0.39, 0.58), champion: L(0.40, 0.5));
        Assert.False(worse.Promote);
        Assert.True(worse.ChampionBelowFloors);
        // A healthy champion keeps the floors in force.
        var kept = Labeler(L(0.70, 0.58), champion: L(0.62, 0.9));
        Assert.False(kept.Promote);
        Assert.Equal(["accuracy 0.58 < 0.6"], kept.FailedChecks);
    }

    [Fact]
    public void Options_validator_names_the_bad_keys()
    {
        var o = new MlOptions { ArtifactsContainer = "", Training = { CvFolds = 1, Trainers = "Sdca,Xgb" }, Monitor = { AlertWebhookUrl = "not a url" } };
        var result = new MlOptionsValidator().Validate(null, o);
        Assert.True(result.Failed);
        Assert.Contains("Ml:ArtifactsContainer is required", result.FailureMessage);
        Assert.Contains("Ml:Training:CvFolds must be between 2 and 10", result.FailureMessage);
        Assert.Contains("Ml:Training:Trainers has unknown trainer 'Xgb'", result.FailureMessage);
        Assert.Contains("Ml:Monitor:AlertWebhookUrl must be an absolute URL", result.FailureMessage);
        Assert.True(new MlOptionsValidator().Validate(null, new MlOptions()).Succeeded);
    }
}
