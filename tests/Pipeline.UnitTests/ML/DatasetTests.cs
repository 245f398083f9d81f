using Pipeline.ML.Data;
using Pipeline.ML.Training;

namespace Pipeline.UnitTests.ML;

public class DatasetTests
{
    [Fact]
    public void Generator_is_deterministic_per_seed()
    {
        var a = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 500, 3, 0.2);
        var b = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 500, 3, 0.2);
        var c = IssueDatasetBuilder.BuildSynthetic(ModelNames.IssueLabeler, 500, 4, 0.2);
        Assert.Equal(a.Hash, b.Hash);
        Assert.NotEqual(a.Hash, c.Hash);
        Assert.Equal("synthetic", a.Source);
        Assert.Matches("^[0-9a-f]{64}$", a.Hash);
    }

    [Fact]
    public void Split_is_by_time_and_test_rows_are_newer()
    {
        var d = IssueDatasetBuilder.BuildSynthetic(ModelNames.TimeToClose, 1000, 3, 0.25);
        Assert.True(d.Train.Max(r => r.CreatedAtTicks) <= d.Test.Min(r => r.CreatedAtTicks));
        Assert.InRange(d.Test.Count, d.Size * 0.24, d.Size * 0.26);
    }

    [Fact]
    public void Labeler_rows_come_from_closed_labelled_issues_only()
    {
        var issues = new SyntheticIssueGenerator(5).Generate(800, IssueDatasetBuilder.SyntheticStart, IssueDatasetBuilder.SyntheticEnd);
        var open = issues.Where(i => !i.IsClosed).Select(i => i.Id).ToHashSet();
        Assert.NotEmpty(open);
        var rows = IssueDatasetBuilder.ToRows(ModelNames.IssueLabeler, issues);
        Assert.DoesNotContain(rows, r => open.Contains(r.Id));
        Assert.All(rows, r => Assert.Contains(r.PrimaryLabel, LabelTaxonomy.Classes));
    }

    [Fact]
    public void History_features_only_use_the_past()
    {
        var t0 = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        IssueRecord Issue(int n, double createdDay, double? closedDay, string author = "a") =>
            new("o/r", n, "t", "b", ["bug"], closedDay is null ? "open" : "closed", author, "NONE", t0.AddDays(createdDay), closedDay is { } c ? t0.AddDays(c) : null, "Go");
        var issues = new[] { Issue(1, 0, 2), Issue(2, 1, 30), Issue(3, 5, null), Issue(4, 40, 41, "b") };
        var h = IssueFeaturizer.ComputeHistory(issues);
        Assert.Equal(HistoryFeatures.Empty, h[0]);
        Assert.Equal(1, h[1].RepoActivity30d);          // issue 1 opened a day earlier
        Assert.Equal(0, h[1].RepoMeanCloseDays);        // issue 1 closes on day 2, after issue 2 was opened
        Assert.Equal(1, h[1].AuthorPriorIssues);
        Assert.Equal(2, h[2].RepoActivity30d);
        Assert.Equal(2, h[2].RepoMeanCloseDays, 4);     // only issue 1 (2 days) had closed by day 5
        Assert.Equal(2f / 3f, h[2].AuthorFastCloseRate, 4); // (1 fast + 1) / (1 closed + 2)
        Assert.Equal(0, h[3].RepoActivity30d);          // issues 1-3 were opened more than 30 days before day 40
        Assert.Equal((2 + 29) / 2.0, h[3].RepoMeanCloseDays, 4);
        Assert.Equal(0, h[3].AuthorPriorIssues);        // author b is new
    }
}
