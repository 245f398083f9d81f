namespace Pipeline.ML.Monitoring;

/// <summary>
/// Per-feature drift with Evidently's defaults. The test is chosen by the size of the <em>reference</em>: up to
/// <c>SmallSampleMax</c> (1000) reference rows, numeric features use Kolmogorov–Smirnov (drift when p &lt; 0.05; exact
/// p-values for small samples) and categorical ones chi-squared (p &lt; 0.05); above, the normed Wasserstein distance
/// (≥ 0.1) and the Jensen–Shannon distance (≥ 0.1). A numeric feature with at most <see cref="MaxDistinctForCategorical"/>
/// distinct reference values is treated as categorical (as Evidently does), since KS on a handful of values flags any
/// shift in proportions. PSI is reported for every feature. Dataset drift when at least <c>DatasetDriftShare</c> (50%) of
/// features drift. Prediction drift applies the same tests to the predicted labels and scores.
/// </summary>
internal static class DriftDetector
{
    public const int MaxDistinctForCategorical = 5;

    public static DriftResult Detect(DriftReference reference, DriftWindow window, DriftSettings s)
    {
        var features = new List<FeatureDrift>();
        foreach (var (name, refValues) in reference.Numeric.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (window.Numeric.TryGetValue(name, out var cur) && cur.Count > 0) features.Add(Numeric(name, refValues, cur, s));
        }
        foreach (var (name, refValues) in reference.Categorical.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (window.Categorical.TryGetValue(name, out var cur) && cur.Count > 0) features.Add(Categorical(name, refValues, cur, s));
        }
        var drifted = features.Count(f => f.Drifted);
        var share = features.Count == 0 ? 0 : (double)drifted / features.Count;
        var predictions = new List<FeatureDrift>();
        if (reference.PredictedLabels.Length > 0 && window.PredictedLabels.Count > 0)
            predictions.Add(Categorical("prediction.label", reference.PredictedLabels, window.PredictedLabels, s));
        if (reference.PredictedScores.Length > 0 && window.PredictedScores.Count > 0)
            predictions.Add(Numeric("prediction.score", reference.PredictedScores, window.PredictedScores, s));
        return new DriftResult(features, drifted, share, features.Count > 0 && share >= s.DatasetDriftShare, predictions, predictions.Any(p => p.Drifted));
    }

    public static FeatureDrift Numeric(string name, IReadOnlyList<double> reference, IReadOnlyList<double> current, DriftSettings s)
    {
        if (reference.Distinct().Take(MaxDistinctForCategorical + 1).Count() <= MaxDistinctForCategorical)
        {
            static string Key(double x) => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            var asCategories = Categorical(name, reference.Select(Key).ToList(), current.Select(Key).ToList(), s) with { Kind = "numeric_as_categorical" };
            return asCategories with { Histogram = SortedNumericCategories(asCategories.Histogram!) };
        }
        var psi = DriftStatistics.PsiNumeric(reference, current);
        if (reference.Count <= s.SmallSampleMax)
        {
            var (d, p) = DriftStatistics.KolmogorovSmirnov(reference, current);
            return new FeatureDrift(name, "numeric", "ks", d, p, s.KsPValue, p < s.KsPValue, psi, reference.Count, current.Count)
            {
                Histogram = DriftHistograms.Numeric(reference, current),
            };
        }
        var w = DriftStatistics.WassersteinNormed(reference, current);
        return new FeatureDrift(name, "numeric", "wasserstein_normed", w, null, s.WassersteinThreshold, w >= s.WassersteinThreshold, psi, reference.Count, current.Count)
        {
            Histogram = DriftHistograms.Numeric(reference, current),
        };
    }

    public static FeatureDrift Categorical(string name, IReadOnlyList<string> reference, IReadOnlyList<string> current, DriftSettings s)
    {
        var psi = DriftStatistics.PsiCategorical(reference, current);
        if (reference.Count <= s.SmallSampleMax)
        {
            var (stat, _, p) = DriftStatistics.ChiSquared(reference, current);
            return new FeatureDrift(name, "categorical", "chi_squared", stat, p, s.ChiSquaredPValue, p < s.ChiSquaredPValue, psi, reference.Count, current.Count)
            {
                Histogram = DriftHistograms.Categorical(reference, current),
            };
        }
        var js = DriftStatistics.JensenShannonCategorical(reference, current);
        return new FeatureDrift(name, "categorical", "jensen_shannon", js, null, s.JensenShannonThreshold, js >= s.JensenShannonThreshold, psi, reference.Count, current.Count)
        {
            Histogram = DriftHistograms.Categorical(reference, current),
        };
    }

    /// <summary>The few values of a numeric feature tested as categories, in numeric order on the histogram's axis.</summary>
    private static DriftHistogram SortedNumericCategories(DriftHistogram h)
    {
        if (h.Bins.Exists(b => !double.TryParse(b, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))) return h;
        var order = Enumerable.Range(0, h.Bins.Count)
            .OrderBy(i => double.Parse(h.Bins[i], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new DriftHistogram(order.ConvertAll(i => h.Bins[i]), order.ConvertAll(i => h.Reference[i]), order.ConvertAll(i => h.Current[i]));
    }
}
