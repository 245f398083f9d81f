using System.Globalization;
using Pipeline.ML.Training;

namespace Pipeline.ML.Registry;

/// <summary>The gate's verdict on a newly trained version.</summary>
public sealed record GateDecision(bool Promote, string Reason, double CandidatePrimary, double? ChampionPrimary, List<string> FailedChecks);

/// <summary>
/// Promotion rule: the candidate must meet every absolute threshold AND beat the current champion's primary metric,
/// both measured on the same (new) test set, by at least <c>Ml:Gate:Margin</c>. With no champion, thresholds alone decide.
/// </summary>
public static class ModelGate
{
    public static GateDecision Decide(string modelName, IReadOnlyDictionary<string, double> candidate, IReadOnlyDictionary<string, double>? champion, GateSettings g)
    {
        var primaryName = ModelNames.PrimaryMetric(modelName);
        var primary = candidate.GetValueOrDefault(primaryName, double.NaN);
        var failed = new List<string>();
        void AtLeast(string metric, double min)
        {
            var v = candidate.GetValueOrDefault(metric, double.NaN);
            if (double.IsNaN(v) || v < min) failed.Add($"{metric} {F(v)} < {F(min)}");
        }
        void AtMost(string metric, double max)
        {
            var v = candidate.GetValueOrDefault(metric, double.NaN);
            if (double.IsNaN(v) || v > max) failed.Add($"{metric} {F(v)} > {F(max)}");
        }
        if (modelName == ModelNames.IssueLabeler)
        {
            AtLeast(MetricNames.MacroF1, g.MinMacroF1);
            AtLeast(MetricNames.Accuracy, g.MinAccuracy);
        }
        else
        {
            AtLeast(MetricNames.Auc, g.MinAuc);
            AtMost(MetricNames.CalibrationError, g.MaxCalibrationError);
        }
        double? championPrimary = champion is not null && champion.TryGetValue(primaryName, out var cp) && !double.IsNaN(cp) ? cp : null;
        if (championPrimary is { } c && !(primary >= c + g.Margin))
            failed.Add($"{primaryName} {F(primary)} does not beat champion {F(c)} by margin {F(g.Margin)}");
        var promote = failed.Count == 0;
        var reason = promote
            ? championPrimary is { } c2 ? $"{primaryName} {F(primary)} beats champion {F(c2)} by >= {F(g.Margin)} and meets thresholds" : $"first champion: {primaryName} {F(primary)} meets thresholds"
            : "not promoted: " + string.Join("; ", failed);
        return new GateDecision(promote, reason, primary, championPrimary, failed);
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
