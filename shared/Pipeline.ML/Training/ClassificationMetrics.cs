namespace Pipeline.ML.Training;

/// <summary>Evaluation metrics computed directly from predictions, identical for CV folds, the test set, slices and live data.</summary>
internal static class ClassificationMetrics
{
    /// <summary>Accuracy, macro-F1 (over classes seen in truth or predictions) and log-loss (probabilities clipped at 1e-15).</summary>
    public static Dictionary<string, double> Multiclass(IReadOnlyList<string> truth, IReadOnlyList<string> predicted, IReadOnlyList<double>? probabilityOfTruth = null)
    {
        if (truth.Count != predicted.Count) throw new ArgumentException("truth and predictions differ in length");
        var n = truth.Count;
        var result = new Dictionary<string, double> { [MetricNames.Count] = n };
        if (n == 0) return result;
        var classes = truth.Concat(predicted).Distinct(StringComparer.Ordinal).ToList();
        var correct = 0;
        var tp = new Dictionary<string, int>(); var fp = new Dictionary<string, int>(); var fn = new Dictionary<string, int>();
        for (var i = 0; i < n; i++)
        {
            if (truth[i] == predicted[i]) { correct++; tp[truth[i]] = tp.GetValueOrDefault(truth[i]) + 1; }
            else { fp[predicted[i]] = fp.GetValueOrDefault(predicted[i]) + 1; fn[truth[i]] = fn.GetValueOrDefault(truth[i]) + 1; }
        }
        var f1s = classes.Select(c =>
        {
            double t = tp.GetValueOrDefault(c), p = fp.GetValueOrDefault(c), f = fn.GetValueOrDefault(c);
            return t == 0 ? 0 : 2 * t / (2 * t + p + f);
        });
        result[MetricNames.Accuracy] = (double)correct / n;
        result[MetricNames.MacroF1] = f1s.Average();
        if (probabilityOfTruth is not null)
            result[MetricNames.LogLoss] = probabilityOfTruth.Average(p => -Math.Log(Math.Clamp(p, 1e-15, 1)));
        return result;
    }

    /// <summary>
    /// Multi-label metrics of tag prediction: macro-F1 and micro-F1 over the labels, <c>accuracy</c> (the top-scoring label
    /// is one of the true labels), <c>any_true_label_rate</c> (at least one true label predicted), <c>all_true_labels_rate</c>
    /// (every true label predicted), <c>label_coverage</c> (share of the label set predicted at least once) and
    /// <c>no_prediction_rate</c> (no label reaches its threshold).
    /// </summary>
    public static Dictionary<string, double> MultiLabel(IReadOnlyList<IReadOnlyList<string>> truth, IReadOnlyList<IReadOnlyList<string>> predicted,
        IReadOnlyList<string?> top, IReadOnlyList<string> labelSet)
    {
        if (truth.Count != predicted.Count || truth.Count != top.Count) throw new ArgumentException("truth and predictions differ in length");
        var n = truth.Count;
        var result = new Dictionary<string, double> { [MetricNames.Count] = n };
        if (n == 0) return result;
        var tp = new Dictionary<string, int>(); var fp = new Dictionary<string, int>(); var fn = new Dictionary<string, int>();
        int topHit = 0, any = 0, all = 0, none = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var t = truth[i].ToHashSet(StringComparer.Ordinal);
            var p = predicted[i].ToHashSet(StringComparer.Ordinal);
            seen.UnionWith(p);
            if (top[i] is { } tl && t.Contains(tl)) topHit++;
            if (p.Count == 0) none++;
            if (p.Overlaps(t)) any++;
            if (t.Count > 0 && t.IsSubsetOf(p)) all++;
            foreach (var l in p) if (t.Contains(l)) tp[l] = tp.GetValueOrDefault(l) + 1; else fp[l] = fp.GetValueOrDefault(l) + 1;
            foreach (var l in t) if (!p.Contains(l)) fn[l] = fn.GetValueOrDefault(l) + 1;
        }
        var labels = labelSet.Count > 0 ? labelSet : truth.SelectMany(x => x).Distinct(StringComparer.Ordinal).ToList();
        double F1(int a, int b, int c) => a == 0 ? 0 : 2.0 * a / (2.0 * a + b + c);
        result[MetricNames.MacroF1] = labels.Count == 0 ? 0 : labels.Average(l => F1(tp.GetValueOrDefault(l), fp.GetValueOrDefault(l), fn.GetValueOrDefault(l)));
        result[MetricNames.MicroF1] = F1(tp.Values.Sum(), fp.Values.Sum(), fn.Values.Sum());
        result[MetricNames.Accuracy] = (double)topHit / n;
        result[MetricNames.AnyTrueLabelRate] = (double)any / n;
        result[MetricNames.AllTrueLabelsRate] = (double)all / n;
        result[MetricNames.LabelCoverage] = labels.Count == 0 ? 0 : (double)labels.Count(seen.Contains) / labels.Count;
        result[MetricNames.NoPredictionRate] = (double)none / n;
        return result;
    }

    /// <summary>AUC (rank statistic with ties), F1 and accuracy at 0.5, expected calibration error (10 equal-width bins), Brier score.</summary>
    public static Dictionary<string, double> Binary(IReadOnlyList<bool> truth, IReadOnlyList<double> probability)
    {
        var n = truth.Count;
        var result = new Dictionary<string, double> { [MetricNames.Count] = n };
        if (n == 0) return result;
        var auc = Auc(truth, probability);
        if (!double.IsNaN(auc)) result[MetricNames.Auc] = auc; // undefined when only one class is present
        int tp = 0, fp = 0, fn = 0, correct = 0;
        for (var i = 0; i < n; i++)
        {
            var p = probability[i] >= 0.5;
            if (p == truth[i]) correct++;
            if (p && truth[i]) tp++; else if (p) fp++; else if (truth[i]) fn++;
        }
        result[MetricNames.F1] = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        result[MetricNames.Accuracy] = (double)correct / n;
        result[MetricNames.CalibrationError] = ExpectedCalibrationError(truth, probability);
        result[MetricNames.Brier] = Enumerable.Range(0, n).Average(i => Math.Pow(probability[i] - (truth[i] ? 1 : 0), 2));
        return result;
    }

    public static double Auc(IReadOnlyList<bool> truth, IReadOnlyList<double> score)
    {
        var pos = truth.Count(t => t);
        var neg = truth.Count - pos;
        if (pos == 0 || neg == 0) return double.NaN;
        var order = Enumerable.Range(0, truth.Count).OrderBy(i => score[i]).ToArray();
        double rankSumPos = 0;
        var k = 0;
        while (k < order.Length)
        {
            var j = k;
            while (j + 1 < order.Length && score[order[j + 1]] == score[order[k]]) j++;
            var avgRank = (k + j) / 2.0 + 1;
            for (var m = k; m <= j; m++) if (truth[order[m]]) rankSumPos += avgRank;
            k = j + 1;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    public static double ExpectedCalibrationError(IReadOnlyList<bool> truth, IReadOnlyList<double> probability, int bins = 10)
    {
        var count = new int[bins]; var sumP = new double[bins]; var sumY = new double[bins];
        for (var i = 0; i < truth.Count; i++)
        {
            var b = Math.Min(bins - 1, (int)(Math.Clamp(probability[i], 0, 1) * bins));
            count[b]++; sumP[b] += probability[i]; sumY[b] += truth[i] ? 1 : 0;
        }
        double ece = 0;
        for (var b = 0; b < bins; b++)
            if (count[b] > 0) ece += (double)count[b] / truth.Count * Math.Abs(sumP[b] / count[b] - sumY[b] / count[b]);
        return ece;
    }

    public static double MeanAbsoluteError(IReadOnlyList<double> truth, IReadOnlyList<double> predicted) =>
        truth.Count == 0 ? double.NaN : Enumerable.Range(0, truth.Count).Average(i => Math.Abs(truth[i] - predicted[i]));
}
