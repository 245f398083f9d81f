using Pipeline.ML.Monitoring;

namespace Pipeline.UnitTests.ML;

/// <summary>Each statistic against values computed by hand or taken from standard tables.</summary>
public class DriftStatisticsTests
{
    [Theory]
    [InlineData(1.0, 0.26999967)]     // Kolmogorov distribution tables: P(K > 1.0)
    [InlineData(1.3581, 0.05)]        // the 5% critical value
    [InlineData(1.2238, 0.10)]        // the 10% critical value
    [InlineData(1.6276, 0.01)]        // the 1% critical value
    public void Kolmogorov_survival_matches_tables(double lambda, double expected) =>
        Assert.Equal(expected, DriftStatistics.KolmogorovSurvival(lambda), 3);

    [Fact]
    public void Ks_statistic_is_the_largest_cdf_gap()
    {
        var (d, _) = DriftStatistics.KolmogorovSmirnov([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
        Assert.Equal(1.0, d, 10);
        var (d2, _) = DriftStatistics.KolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]);
        Assert.Equal(0.5, d2, 10); // F_ref(2)=0.5, F_cur(2)=0
        var (d3, p3) = DriftStatistics.KolmogorovSmirnov([1, 2, 3], [1, 2, 3]);
        Assert.Equal(0, d3);
        Assert.Equal(1, p3);
    }

    [Fact]
    public void Ks_p_value_is_exact_for_small_samples()
    {
        // n = m = 5, complete separation: only the 2 extreme lattice paths of C(10, 5) = 252 reach D = 1 (scipy exact: 0.0079365).
        var (_, exact) = DriftStatistics.KolmogorovSmirnov([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
        Assert.Equal(2.0 / 252, exact, 12);
        // D = 0.5 for n = m = 4: scipy.stats.ks_2samp([1,2,3,4],[3,4,5,6], method="exact").pvalue = 0.7714285714
        Assert.Equal(0.7714285714, DriftStatistics.ExactKsPValue(4, 4, 0.5), 9);
        Assert.Equal(1, DriftStatistics.ExactKsPValue(10, 7, 0));
    }

    [Fact]
    public void Asymptotic_ks_p_value_uses_the_effective_sample_size()
    {
        // n = m = 5: en = sqrt(2.5); lambda = (en + 0.12 + 0.11/en) * 1 = 1.77070...; Q(1.7707) = 0.003698...
        var (_, p) = DriftStatistics.KolmogorovSmirnovAsymptotic([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
        var en = Math.Sqrt(2.5);
        Assert.Equal(DriftStatistics.KolmogorovSurvival(en + 0.12 + 0.11 / en), p, 12);
        Assert.InRange(p, 0.0036, 0.0038);
    }

    [Theory]
    [InlineData(3.841459, 1, 0.05)]
    [InlineData(5.991465, 2, 0.05)]
    [InlineData(6.634897, 1, 0.01)]
    [InlineData(10.0, 4, 0.040428)]
    [InlineData(1.0, 3, 0.801252)]
    [InlineData(50.0, 10, 2.66908e-7)]
    public void Chi_squared_survival_matches_tables(double x, int df, double expected) =>
        Assert.Equal(expected, DriftStatistics.ChiSquaredSurvival(x, df), expected < 1e-3 ? 9 : 5);

    [Fact]
    public void Chi_squared_homogeneity_on_a_2x2_table()
    {
        // Reference: 30 a / 70 b, current: 50 a / 50 b. Expected counts 40/60 each; chi2 = 2*(100/40 + 100/60) = 8.3333.
        var reference = Enumerable.Repeat("a", 30).Concat(Enumerable.Repeat("b", 70)).ToList();
        var current = Enumerable.Repeat("a", 50).Concat(Enumerable.Repeat("b", 50)).ToList();
        var (stat, df, p) = DriftStatistics.ChiSquared(reference, current);
        Assert.Equal(8.333333, stat, 5);
        Assert.Equal(1, df);
        Assert.Equal(0.003892, p, 5);
    }

    [Fact]
    public void Psi_matches_the_formula()
    {
        // (0.6-0.5) ln(0.6/0.5) + (0.4-0.5) ln(0.4/0.5) = 0.040546
        Assert.Equal(0.040546, DriftStatistics.Psi([0.5, 0.5], [0.6, 0.4]), 5);
        Assert.Equal(0, DriftStatistics.Psi([0.2, 0.8], [0.2, 0.8]), 12);
        var reference = Enumerable.Repeat("x", 50).Concat(Enumerable.Repeat("y", 50)).ToList();
        var current = Enumerable.Repeat("x", 60).Concat(Enumerable.Repeat("y", 40)).ToList();
        Assert.Equal(0.040546, DriftStatistics.PsiCategorical(reference, current), 5);
    }

    [Fact]
    public void Psi_of_numeric_values_is_zero_for_identical_and_large_for_shifted_samples()
    {
        var reference = Enumerable.Range(0, 1000).Select(i => (double)i).ToList();
        Assert.Equal(0, DriftStatistics.PsiNumeric(reference, reference), 10);
        Assert.True(DriftStatistics.PsiNumeric(reference, reference.Select(x => x + 500).ToList()) > 1);
    }

    [Fact]
    public void Wasserstein_of_a_shift_is_the_shift()
    {
        Assert.Equal(5.0, DriftStatistics.Wasserstein([0, 1, 3], [5, 6, 8]), 10);
        Assert.Equal(0.0, DriftStatistics.Wasserstein([0, 1, 3], [3, 1, 0]), 10);
        // scipy.stats.wasserstein_distance([0, 1, 3], [5, 6, 8]) = 5; [0,1] vs [0,2] = 0.5
        Assert.Equal(0.5, DriftStatistics.Wasserstein([0, 1], [0, 2]), 10);
        // normed by the reference's population std: std([0,1,3]) = 1.247219
        Assert.Equal(5.0 / 1.2472191, DriftStatistics.WassersteinNormed([0, 1, 3], [5, 6, 8]), 5);
    }

    [Fact]
    public void Jensen_shannon_distance_matches_scipy()
    {
        // scipy.spatial.distance.jensenshannon([1, 0], [0, 1]) = sqrt(ln 2) = 0.832555
        Assert.Equal(Math.Sqrt(Math.Log(2)), DriftStatistics.JensenShannon([1, 0], [0, 1]), 10);
        Assert.Equal(0, DriftStatistics.JensenShannon([0.3, 0.7], [0.3, 0.7]), 10);
        // jensenshannon([0.5, 0.5], [0.9, 0.1]) = 0.318982 (natural log)
        Assert.Equal(0.318982, DriftStatistics.JensenShannon([0.5, 0.5], [0.9, 0.1]), 5);
    }

    [Theory]
    [InlineData(5.0, 3.1780538)]   // ln 24
    [InlineData(0.5, 0.5723649)]   // ln sqrt(pi)
    [InlineData(10.5, 13.9406252)]
    public void Log_gamma_is_accurate(double x, double expected) => Assert.Equal(expected, DriftStatistics.LogGamma(x), 6);
}
