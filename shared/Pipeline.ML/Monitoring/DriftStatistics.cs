namespace Pipeline.ML.Monitoring;

/// <summary>Two-sample drift statistics (the tests Evidently uses by default), implemented from their definitions.</summary>
internal static class DriftStatistics
{
    /// <summary>Samples with n·m up to this use the exact two-sample KS distribution; larger ones the asymptotic one.</summary>
    public const long ExactKsMaxProduct = 4_000_000;

    /// <summary>
    /// Kolmogorov–Smirnov statistic D = sup |F_ref(x) − F_cur(x)| and its p-value: exact (the share of lattice paths from
    /// (0,0) to (n,m) that leave the band |i/n − j/m| &lt; D, computed by dynamic programming as in scipy's <c>method="exact"</c>)
    /// when n·m ≤ <see cref="ExactKsMaxProduct"/>, else the asymptotic Kolmogorov distribution with Stephens' correction.
    /// </summary>
    public static (double D, double PValue) KolmogorovSmirnov(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        var (d, asymptotic) = KolmogorovSmirnovAsymptotic(reference, current);
        if (reference.Count == 0 || current.Count == 0) return (d, asymptotic);
        return (long)reference.Count * current.Count <= ExactKsMaxProduct ? (d, ExactKsPValue(reference.Count, current.Count, d)) : (d, asymptotic);
    }

    /// <summary>P(D ≥ d) under H0 for two samples of sizes n and m (no ties), exactly.</summary>
    public static double ExactKsPValue(int n, int m, double d)
    {
        if (d <= 0) return 1;
        // r[j] = (paths from (0,0) to (i,j) inside the band) / C(i+j, i): the probability that a random path stays inside.
        var tolerance = 1e-12;
        bool Inside(int i, int j) => Math.Abs((double)i / n - (double)j / m) < d - tolerance;
        var r = new double[m + 1];
        r[0] = 1;
        for (var j = 1; j <= m; j++) r[j] = Inside(0, j) ? r[j - 1] : 0;
        for (var i = 1; i <= n; i++)
        {
            r[0] = Inside(i, 0) ? r[0] : 0;
            for (var j = 1; j <= m; j++)
            {
                r[j] = Inside(i, j) ? (r[j] * i + r[j - 1] * j) / (i + j) : 0;
            }
        }
        return Math.Clamp(1 - r[m], 0, 1);
    }

    /// <summary>D and the asymptotic p-value.</summary>
    public static (double D, double PValue) KolmogorovSmirnovAsymptotic(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        if (reference.Count == 0 || current.Count == 0) return (0, 1);
        var a = reference.Order().ToArray();
        var b = current.Order().ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < a.Length && j < b.Length)
        {
            var x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x) i++;
            while (j < b.Length && b[j] <= x) j++;
            d = Math.Max(d, Math.Abs((double)i / a.Length - (double)j / b.Length));
        }
        var en = Math.Sqrt((double)a.Length * b.Length / (a.Length + b.Length));
        return (d, KolmogorovSurvival((en + 0.12 + 0.11 / en) * d));
    }

    /// <summary>Q_KS(λ) = 2 Σ (−1)^(j−1) exp(−2 j² λ²), the Kolmogorov distribution's survival function.</summary>
    public static double KolmogorovSurvival(double lambda)
    {
        if (lambda < 1e-3) return 1;
        double sum = 0, previous = 0;
        for (var j = 1; j <= 200; j++)
        {
            var term = (j % 2 == 1 ? 2 : -2) * Math.Exp(-2.0 * j * j * lambda * lambda);
            sum += term;
            if (Math.Abs(term) <= 1e-10 * Math.Abs(previous) || Math.Abs(term) < 1e-300) return Math.Clamp(sum, 0, 1);
            previous = term;
        }
        return 1; // series did not converge: λ is tiny, distributions indistinguishable
    }

    /// <summary>Pearson chi-squared test of homogeneity between the category counts of two samples.</summary>
    public static (double Statistic, int DegreesOfFreedom, double PValue) ChiSquared(IReadOnlyList<string> reference, IReadOnlyList<string> current)
    {
        var categories = reference.Concat(current).Distinct(StringComparer.Ordinal).ToList();
        if (categories.Count < 2 || reference.Count == 0 || current.Count == 0) return (0, 0, 1);
        var refCounts = Count(reference);
        var curCounts = Count(current);
        double n1 = reference.Count, n2 = current.Count, n = n1 + n2, stat = 0;
        foreach (var c in categories)
        {
            double o1 = refCounts.GetValueOrDefault(c), o2 = curCounts.GetValueOrDefault(c), total = o1 + o2;
            var e1 = total * n1 / n;
            var e2 = total * n2 / n;
            stat += (o1 - e1) * (o1 - e1) / e1 + (o2 - e2) * (o2 - e2) / e2;
        }
        var df = categories.Count - 1;
        return (stat, df, ChiSquaredSurvival(stat, df));
    }

    /// <summary>P(X ≥ x) for X ~ χ²(df): the regularized upper incomplete gamma Q(df/2, x/2).</summary>
    public static double ChiSquaredSurvival(double x, int df) => x <= 0 || df <= 0 ? 1 : MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(df / 2.0, x / 2.0);

    /// <summary>Population stability index over 10 reference-quantile bins (numeric), with a 1e-4 floor per bin.</summary>
    public static double PsiNumeric(IReadOnlyList<double> reference, IReadOnlyList<double> current, int bins = 10)
    {
        if (reference.Count == 0 || current.Count == 0) return 0;
        var sorted = reference.Order().ToArray();
        var edges = Enumerable.Range(1, bins - 1).Select(k => sorted[(int)Math.Floor((double)k * (sorted.Length - 1) / bins)]).Distinct().ToArray();
        double[] Hist(IReadOnlyList<double> xs)
        {
            var h = new double[edges.Length + 1];
            foreach (var x in xs)
            {
                var idx = Array.BinarySearch(edges, x);
                h[idx >= 0 ? idx : ~idx]++;
            }
            return h.Select(c => c / xs.Count).ToArray();
        }
        return Psi(Hist(reference), Hist(current));
    }

    public static double PsiCategorical(IReadOnlyList<string> reference, IReadOnlyList<string> current)
    {
        var (p, q) = CategoricalDistributions(reference, current);
        return Psi(p, q);
    }

    /// <summary>PSI = Σ (actual − expected) · ln(actual / expected), proportions floored at 1e-4.</summary>
    public static double Psi(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        double psi = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var e = Math.Max(expected[i], 1e-4);
            var a = Math.Max(actual[i], 1e-4);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    /// <summary>Wasserstein-1 distance between the empirical distributions: ∫ |F_ref − F_cur| dx.</summary>
    public static double Wasserstein(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        if (reference.Count == 0 || current.Count == 0) return 0;
        var a = reference.Order().ToArray();
        var b = current.Order().ToArray();
        var all = a.Concat(b).Order().ToArray();
        double distance = 0;
        int i = 0, j = 0;
        for (var k = 0; k < all.Length - 1; k++)
        {
            while (i < a.Length && a[i] <= all[k]) i++;
            while (j < b.Length && b[j] <= all[k]) j++;
            distance += Math.Abs((double)i / a.Length - (double)j / b.Length) * (all[k + 1] - all[k]);
        }
        return distance;
    }

    /// <summary>Wasserstein distance divided by the reference's standard deviation (Evidently's "normed" variant).</summary>
    public static double WassersteinNormed(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        var w = Wasserstein(reference, current);
        if (reference.Count == 0) return 0;
        var mean = reference.Average();
        var std = Math.Sqrt(reference.Average(x => (x - mean) * (x - mean)));
        // A constant reference has no spread: any movement counts as maximal drift (capped to stay a finite number).
        return std > 1e-12 ? Math.Min(1e6, w / std) : (w > 1e-12 ? 1e6 : 0);
    }

    /// <summary>Jensen–Shannon distance (square root of the divergence, natural log), as scipy's <c>jensenshannon</c>.</summary>
    public static double JensenShannon(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        double sp = p.Sum(), sq = q.Sum(), divergence = 0;
        for (var i = 0; i < p.Count; i++)
        {
            double pi = p[i] / sp, qi = q[i] / sq, m = (pi + qi) / 2;
            if (pi > 0) divergence += 0.5 * pi * Math.Log(pi / m);
            if (qi > 0) divergence += 0.5 * qi * Math.Log(qi / m);
        }
        return Math.Sqrt(Math.Max(0, divergence));
    }

    public static double JensenShannonCategorical(IReadOnlyList<string> reference, IReadOnlyList<string> current)
    {
        var (p, q) = CategoricalDistributions(reference, current);
        return JensenShannon(p, q);
    }

    private static (double[] P, double[] Q) CategoricalDistributions(IReadOnlyList<string> reference, IReadOnlyList<string> current)
    {
        var categories = reference.Concat(current).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var r = Count(reference);
        var c = Count(current);
        return (categories.Select(k => (double)r.GetValueOrDefault(k) / Math.Max(1, reference.Count)).ToArray(),
                categories.Select(k => (double)c.GetValueOrDefault(k) / Math.Max(1, current.Count)).ToArray());
    }

    private static Dictionary<string, int> Count(IEnumerable<string> xs)
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var x in xs) d[x] = d.GetValueOrDefault(x) + 1;
        return d;
    }

    /// <summary>ln Γ(x) by the Lanczos approximation (g = 7, 9 coefficients).</summary>
    public static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        var sum = g[0];
        for (var i = 1; i < 9; i++) sum += g[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
