namespace Pipeline.ML.Monitoring;

/// <summary>Builds <see cref="DriftHistogram"/>s from the samples the drift tests ran on.</summary>
internal static class DriftHistograms
{
    public const int NumericBins = 20;
    public const int MaxCategories = 20;

    public static DriftHistogram Numeric(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        var all = reference.Concat(current).Where(double.IsFinite).ToList();
        if (all.Count == 0) return new DriftHistogram([], [], [], []);
        var min = all.Min();
        var max = all.Max();
        var bins = max > min ? NumericBins : 1;
        var width = max > min ? (max - min) / bins : 1;
        var edges = Enumerable.Range(0, bins + 1).Select(i => min + i * width).ToList();
        List<double> Share(IReadOnlyList<double> xs)
        {
            var h = new double[bins];
            var n = 0;
            foreach (var x in xs)
            {
                if (!double.IsFinite(x)) continue;
                h[Math.Clamp((int)Math.Floor((x - min) / width), 0, bins - 1)]++;
                n++;
            }
            return h.Select(c => n == 0 ? 0 : c / n).ToList();
        }
        var labels = edges.Take(bins).Select(e => e.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new DriftHistogram(labels, Share(reference), Share(current), edges);
    }

    public static DriftHistogram Categorical(IReadOnlyList<string> reference, IReadOnlyList<string> current)
    {
        var counts = reference.Concat(current).GroupBy(x => x, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();
        var kept = counts.Take(MaxCategories).ToList();
        var other = counts.Count > MaxCategories;
        List<double> Share(IReadOnlyList<string> xs)
        {
            var byKey = xs.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var n = Math.Max(1, xs.Count);
            var shares = kept.Select(k => (double)byKey.GetValueOrDefault(k) / n).ToList();
            if (other) shares.Add(1 - shares.Sum());
            return shares;
        }
        var bins = other ? [.. kept, "(other)"] : kept;
        return new DriftHistogram(bins, Share(reference), Share(current));
    }
}
