using System.Text.Json.Nodes;
using Pipeline.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Training;

namespace Pipeline.UnitTests.ML;

public class DatasetTests
{
    private static readonly DateTime T0 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

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
    public void Split_is_by_time_and_test_rows_are_newer_and_the_document_records_counts_and_span()
    {
        var d = IssueDatasetBuilder.BuildSynthetic(ModelNames.TimeToClose, 1000, 3, 0.25);
        Assert.True(d.Train.Max(r => r.CreatedAtTicks) <= d.Test.Min(r => r.CreatedAtTicks));
        Assert.InRange(d.Test.Count, d.Size * 0.24, d.Size * 0.26);
        Assert.Equal(d.Size, d.ClassCounts["within_7_days"] + d.ClassCounts["later"]);
        Assert.True(d.ClassCounts.GetValueOrDefault("later_censored") > 0, "open issues older than a week are censored negatives");
        Assert.Equal(d.Train.Min(r => r.CreatedAtTicks), d.From.Ticks);
        Assert.Equal(d.Test.Max(r => r.CreatedAtTicks), d.To.Ticks);
    }

    [Fact]
    public void Labeler_label_set_is_learned_from_the_data_with_include_and_exclude_lists()
    {
        var issues = Enumerable.Range(1, 60).Select(n => Issue(n, n, null, labels: n % 3 == 0 ? ["area: parser", "kind/bug"] : n % 3 == 1 ? ["area: cli"] : ["rare" + n])).ToList();
        var rows = IssueDatasetBuilder.ToRows(ModelNames.IssueLabeler, issues, new LabelerSettings { MinExamples = 10, Exclude = "" });
        Assert.Equal(["area: cli", "area: parser", "bug"], rows.LabelSet); // aliases fold, rare labels stay out
        Assert.Equal(40, rows.Rows.Count); // issues with no label of the set are left out
        Assert.All(rows.Rows, r => Assert.NotEmpty(r.TrueLabels()));
        Assert.Contains(rows.Rows, r => r.TrueLabels().SequenceEqual(["area: parser", "bug"])); // multi-label rows
        var excluded = IssueDatasetBuilder.ToRows(ModelNames.IssueLabeler, issues, new LabelerSettings { MinExamples = 10, Exclude = "type: bug" });
        Assert.Equal(["area: cli", "area: parser"], excluded.LabelSet);
        var included = IssueDatasetBuilder.ToRows(ModelNames.IssueLabeler, issues, new LabelerSettings { MinExamples = 10, Include = "area: cli", Exclude = "" });
        Assert.Equal(["area: cli"], included.LabelSet);
    }

    [Fact]
    public void Time_to_close_censors_open_issues_as_specified()
    {
        // Cut-off = day 20 (the newest event). #1 closed in 2 days: positive. #2 closed in 12 days: negative.
        // #3 open since day 1 (19 days at the cut-off): censored negative. #4 open since day 16 (4 days): left out.
        var issues = new[] { Issue(1, 0, 2), Issue(2, 0, 12), Issue(3, 1, null), Issue(4, 16, null), Issue(5, 20, null) };
        var rows = IssueDatasetBuilder.ToRows(ModelNames.TimeToClose, issues, new LabelerSettings());
        var byId = rows.Rows.ToDictionary(r => r.Id);
        Assert.Equal(["o/r#1", "o/r#2", "o/r#3"], byId.Keys.Order());
        Assert.True(byId["o/r#1"].ClosedWithin7Days);
        Assert.False(byId["o/r#2"].ClosedWithin7Days);
        Assert.False(byId["o/r#2"].Censored);
        Assert.False(byId["o/r#3"].ClosedWithin7Days);
        Assert.True(byId["o/r#3"].Censored);
        Assert.Equal(Math.Log(1 + 19), byId["o/r#3"].LogDaysToClose, 4); // a lower bound
        Assert.Equal(1, rows.Censored);
        Assert.Equal(2, rows.LeftOut);
    }

    [Fact]
    public void A_label_added_after_creation_is_not_a_feature()
    {
        // The projection keeps the final labels and the label history; "wontfix" was added at closing, "bug" at opening.
        var doc = new JsonObject
        {
            ["_id"] = "o/r#7",
            ["repo"] = "o/r",
            ["number"] = 7,
            ["title"] = "Crash on start",
            ["state"] = "closed",
            ["created_at"] = "2025-01-01T00:00:00.000Z",
            ["closed_at"] = "2025-01-20T00:00:00.000Z",
            ["labels"] = new JsonArray("bug", "wontfix"),
            ["history"] = new JsonArray(
                new JsonObject { ["event_id"] = "1", ["action"] = "opened", ["at"] = "2025-01-01T00:00:00.000Z" },
                new JsonObject { ["event_id"] = "2", ["action"] = "labeled", ["label"] = "bug", ["at"] = "2025-01-01T00:00:01.000Z" },
                new JsonObject { ["event_id"] = "3", ["action"] = "labeled", ["label"] = "needs-info", ["at"] = "2025-01-03T00:00:00.000Z" },
                new JsonObject { ["event_id"] = "4", ["action"] = "unlabeled", ["label"] = "needs-info", ["at"] = "2025-01-05T00:00:00.000Z" },
                new JsonObject { ["event_id"] = "5", ["action"] = "labeled", ["label"] = "wontfix", ["at"] = "2025-01-20T00:00:00.000Z" }),
        };
        var issue = IssueDocumentSchema.Parse(doc, "Go");
        Assert.Equal(["bug", "wontfix"], issue.Labels);
        Assert.Equal(["bug"], issue.LabelsAtCreation);
        var row = Assert.Single(IssueDatasetBuilder.ToRows(ModelNames.TimeToClose, [issue], new LabelerSettings()).Rows);
        Assert.Equal("bug", row.LabelsText);
        Assert.DoesNotContain("wontfix", row.LabelsText);
        Assert.DoesNotContain("needs", row.LabelsText);
    }

    [Fact]
    public void History_features_only_use_the_past()
    {
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
        // Serving's entry point gives the same numbers from the repository's and author's issues in any order.
        Assert.Equal(h[2], IssueFeaturizer.HistoryOf(issues[2], issues.Reverse()));
    }

    [Fact]
    public void Cross_validation_folds_chain_forward_in_time()
    {
        var dataset = IssueDatasetBuilder.BuildSynthetic(ModelNames.TimeToClose, 800, 5, 0.2);
        var cv = CrossValidator.Run(ModelSpec.For(ModelNames.TimeToClose), dataset.Train,
            new TrainingSettings { Grid = "small", Trainers = "Sdca", CvFolds = 3, GridBudgetSeconds = 60 });
        Assert.Equal(3, cv.FoldLayout.Count);
        Assert.All(cv.FoldLayout, f => Assert.True(f.TrainTo <= f.ValidFrom, $"fold {f.Fold} trains on rows newer than it validates on"));
        Assert.True(cv.FoldLayout[0].TrainRows < cv.FoldLayout[1].TrainRows && cv.FoldLayout[1].TrainRows < cv.FoldLayout[2].TrainRows);
        Assert.Equal(3, cv.BestFoldMetrics.Count);
    }

    private static IssueRecord Issue(int n, double createdDay, double? closedDay, string author = "a", IReadOnlyList<string>? labels = null) =>
        new("o/r", n, "t", "b", labels ?? ["bug"], closedDay is null ? "open" : "closed", author, "NONE", T0.AddDays(createdDay),
            closedDay is { } c ? T0.AddDays(c) : null, "Go");
}
