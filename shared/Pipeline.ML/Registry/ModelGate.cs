using System.Globalization;
using Pipeline.ML.Training;

namespace Pipeline.ML.Registry;

/// <summary>
/// Promotion rule, all measured on the challenger's (newest) test set:
/// <list type="number">
/// <item>a challenger trained on synthetic data never replaces a champion trained on real data (<c>store</c>);</item>
/// <item>it must beat the baseline (majority label / prior rate) by <c>Ml:Gate:BaselineMargin</c>;</item>
/// <item>it must beat the champion's primary metric by <c>Ml:Gate:Margin</c>;</item>
/// <item>it must meet the absolute floors (<c>Ml:Gate:Min*</c>, <c>MaxCalibrationError</c>) — unless the champion itself
/// fails them on this test set: the floors stop a regression, they do not protect a worse incumbent (the decision then
/// says so, and the run raises an alert).</item>
/// </list>
/// With no champion, the baseline and the floors decide.
/// </summary>
internal static class ModelGate
{
    public const string Synthetic = "synthetic";

    public static GateDecision Decide(GateInput input, GateSettings g)
    {
        var modelName = input.ModelName;
        var primaryName = ModelNames.PrimaryMetric(modelName);
        var primary = input.Candidate.GetValueOrDefault(primaryName, double.NaN);
        var failed = new List<string>();
        var candidateFloors = Floors(modelName, input.Candidate, g);
        var championFloors = input.Champion is null ? [] : Floors(modelName, input.Champion, g);
        var championBelow = input.Champion is not null && championFloors.Count > 0;

        // Decided on the champion's source alone: its metrics on a synthetic test set are not even computed.
        if (input.CandidateSource == Synthetic && input.ChampionSource is not null && input.ChampionSource != Synthetic)
            failed.Add($"a challenger trained on synthetic data never replaces a champion trained on real data (champion source '{input.ChampionSource}')");
        double? baselinePrimary = input.Baseline is not null && input.Baseline.TryGetValue(primaryName, out var bp) && !double.IsNaN(bp) ? bp : null;
        if (baselinePrimary is { } b && !(primary >= b + g.BaselineMargin))
            failed.Add($"{primaryName} {F(primary)} does not beat the baseline {F(b)} by margin {F(g.BaselineMargin)}");
        double? championPrimary = input.Champion is not null && input.Champion.TryGetValue(primaryName, out var cp) && !double.IsNaN(cp) ? cp : null;
        if (championPrimary is { } c && !(primary >= c + g.Margin))
            failed.Add($"{primaryName} {F(primary)} does not beat champion {F(c)} by margin {F(g.Margin)}");
        if (!championBelow) failed.AddRange(candidateFloors);

        var promote = failed.Count == 0;
        string reason;
        if (promote)
        {
            reason = championPrimary is { } c2
                ? $"{primaryName} {F(primary)} beats champion {F(c2)} by >= {F(g.Margin)}" + (baselinePrimary is { } b2 ? $" and baseline {F(b2)}" : string.Empty)
                : $"first champion: {primaryName} {F(primary)}" + (baselinePrimary is { } b3 ? $" beats baseline {F(b3)}" : string.Empty);
            reason += championBelow
                ? $"; the champion is below the floors on this test set ({string.Join("; ", championFloors)}), so the better challenger replaces it"
                    + (candidateFloors.Count > 0 ? $" although it also misses them ({string.Join("; ", candidateFloors)})" : string.Empty)
                : " and meets the floors";
        }
        else
        {
            reason = "not promoted: " + string.Join("; ", failed);
            if (championBelow) reason += $"; note: the champion is below the floors on this test set ({string.Join("; ", championFloors)})";
        }
        return new GateDecision(promote, reason, primary, championPrimary, failed)
        {
            BaselinePrimary = baselinePrimary,
            ChampionBelowFloors = championBelow,
            ChampionFailedFloors = championFloors,
        };
    }

    /// <summary>The absolute floors a model's metrics miss (empty when it meets them all).</summary>
    public static List<string> Floors(string modelName, IReadOnlyDictionary<string, double> metrics, GateSettings g)
    {
        var failed = new List<string>();
        void AtLeast(string metric, double min)
        {
            var v = metrics.GetValueOrDefault(metric, double.NaN);
            if (double.IsNaN(v) || v < min) failed.Add($"{metric} {F(v)} < {F(min)}");
        }
        void AtMost(string metric, double max)
        {
            var v = metrics.GetValueOrDefault(metric, double.NaN);
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
        return failed;
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
