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

    private static readonly GateSettings Gate = new() { Margin = 0.01, MinMacroF1 = 0.6, MinAccuracy = 0.6, MinAuc = 0.7, MaxCalibrationError = 0.1 };

    [Fact]
    public void First_model_is_promoted_when_it_meets_thresholds()
    {
        var d = ModelGate.Decide(ModelNames.IssueLabeler, new Dictionary<string, double> { ["macro_f1"] = 0.8, ["accuracy"] = 0.85 }, null, Gate);
        Assert.True(d.Promote);
        Assert.Contains("first champion", d.Reason);
    }

    [Fact]
    public void Model_below_absolute_thresholds_is_not_promoted()
    {
        var d = ModelGate.Decide(ModelNames.IssueLabeler, new Dictionary<string, double> { ["macro_f1"] = 0.3, ["accuracy"] = 0.7 }, null, Gate);
        Assert.False(d.Promote);
        Assert.Equal(["macro_f1 0.3 < 0.6"], d.FailedChecks);
        var t = ModelGate.Decide(ModelNames.TimeToClose, new Dictionary<string, double> { ["auc"] = 0.9, ["ece"] = 0.2 }, null, Gate);
        Assert.False(t.Promote);
        Assert.Contains("ece 0.2 > 0.1", t.Reason);
    }

    [Fact]
    public void Challenger_must_beat_champion_by_the_margin()
    {
        var champion = new Dictionary<string, double> { ["auc"] = 0.80, ["ece"] = 0.05 };
        var slightly = ModelGate.Decide(ModelNames.TimeToClose, new Dictionary<string, double> { ["auc"] = 0.805, ["ece"] = 0.05 }, champion, Gate);
        Assert.False(slightly.Promote);
        Assert.Contains("does not beat champion 0.8 by margin 0.01", slightly.Reason);
        var clearly = ModelGate.Decide(ModelNames.TimeToClose, new Dictionary<string, double> { ["auc"] = 0.83, ["ece"] = 0.05 }, champion, Gate);
        Assert.True(clearly.Promote);
        Assert.Equal(0.8, clearly.ChampionPrimary);
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
