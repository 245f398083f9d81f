// pipeline-audit:ignore — tests of the audit itself.
using Pipeline.Audit;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;

namespace Pipeline.UnitTests.Audit;

public sealed class HistoryAnalysisTests : IClassFixture<HistoryAnalysisTests.AnalyticsReport>
{
    /// <summary>One audit of the analytics fixture shared by the tests (with file history of src/training.py, top 3).</summary>
    public sealed class AnalyticsReport : IAsyncLifetime
    {
        public TempDir Dir { get; } = new();
        public string RepoPath { get; private set; } = "";
        public AuditReport Report { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            RepoPath = AuditFixtures.Analytics(Dir);
            var service = new AuditService(new AuditOptions { WorkDir = Dir.Sub("work"), Parallelism = 2 });
            Report = await service.AuditAsync(new AuditRequest { Path = RepoPath, TopN = 3, File = "src/training.py" });
        }

        public Task DisposeAsync()
        {
            Dir.Dispose();
            return Task.CompletedTask;
        }
    }

    private readonly AuditReport _r;
    public HistoryAnalysisTests(AnalyticsReport fixture) => _r = fixture.Report;

    private static string Files(MonthTopFiles m) => string.Join(", ", m.Files.Select(f => $"{f.Path}={f.Count}"));

    [Fact]
    public void Counts_commits_and_months()
    {
        Assert.Equal(7, _r.Statistics.CommitsAnalyzed);
        Assert.Equal(0, _r.Statistics.MergeCommits);
        Assert.False(_r.Statistics.Truncated);
        Assert.Equal(["2024-01", "2024-02", "2024-03"], _r.Months);
        Assert.Equal(AuditFixtures.At(2024, 1, 10), _r.Repository.FirstCommitDate);
        Assert.Equal(AuditFixtures.At(2024, 3, 25), _r.Repository.LastCommitDate);
        Assert.Equal("main", _r.Repository.Branch);
        Assert.Equal(6, _r.Repository.FilesAtHead);
    }

    [Fact]
    public void Lists_the_files_modified_most_per_month_with_exact_counts()
    {
        Assert.Equal(3, _r.TopFilesByMonth.Count);
        var jan = _r.TopFilesByMonth[0];
        Assert.Equal(("2024-01", 2), (jan.Month, jan.Commits));
        Assert.Equal("requirements.txt=2, src/train.py=2, README.md=1", Files(jan));
        var feb = _r.TopFilesByMonth[1];
        Assert.Equal(("2024-02", 2), (feb.Month, feb.Commits));
        Assert.Equal(".github/workflows/ci.yml=1, dvc.yaml=1, src/train.py=1", Files(feb));
        var mar = _r.TopFilesByMonth[2];
        Assert.Equal(("2024-03", 3), (mar.Month, mar.Commits));
        // Top 3 of: src/train.py=2 (changed, then renamed away), src/training.py=2, .github/workflows/ci.yml=1, Dockerfile=1.
        Assert.Equal("src/train.py=2, src/training.py=2, .github/workflows/ci.yml=1", Files(mar));
    }

    [Fact]
    public void Counts_tools_per_month_in_changed_files()
    {
        string Counts(string tool) => string.Join(", ", _r.Tools.Single(t => t.Name == tool).CountsByMonth.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.Equal(["MLflow", "DVC", "GitHub Actions", "Docker"], _r.Tools.Select(t => t.Name));
        // MLflow: Jan train.py + requirements.txt; Feb train.py; Mar train.py, training.py (rename), training.py.
        Assert.Equal("2024-01=2, 2024-02=1, 2024-03=3", Counts("MLflow"));
        Assert.Equal(6, _r.Tools.Single(t => t.Name == "MLflow").Total);
        Assert.Equal("2024-02=1", Counts("DVC"));
        Assert.Equal("2024-02=1, 2024-03=1", Counts("GitHub Actions"));
        Assert.Equal("2024-03=1", Counts("Docker"));

        var mlflow = _r.Tools.Single(t => t.Name == "MLflow");
        Assert.Equal("tracking", mlflow.Category);
        Assert.Equal(["requirements.txt", "src/training.py"], mlflow.FilesAtHead);
        Assert.Equal(["dependency", "import"], mlflow.DetectedBy);
        Assert.Equal(["dvc.yaml"], _r.Tools.Single(t => t.Name == "DVC").FilesAtHead);
        Assert.Equal(["path"], _r.Tools.Single(t => t.Name == "Docker").DetectedBy);
    }

    [Fact]
    public void Sums_tool_categories_per_month_for_the_heatmap()
    {
        Assert.Equal(["ci", "containers", "monitoring", "orchestration", "serving", "tracking", "validation", "versioning"], _r.ToolCategoriesByMonth.Keys);
        Assert.Equal(new Dictionary<string, int> { ["2024-01"] = 2, ["2024-02"] = 1, ["2024-03"] = 3 }, _r.ToolCategoriesByMonth["tracking"]);
        Assert.Equal(new Dictionary<string, int> { ["2024-02"] = 1 }, _r.ToolCategoriesByMonth["versioning"]);
        Assert.Equal(new Dictionary<string, int> { ["2024-02"] = 1, ["2024-03"] = 1 }, _r.ToolCategoriesByMonth["ci"]);
        Assert.Equal(new Dictionary<string, int> { ["2024-03"] = 1 }, _r.ToolCategoriesByMonth["containers"]);
        Assert.Empty(_r.ToolCategoriesByMonth["serving"]);
    }

    [Fact]
    public void Parses_workflows_with_triggers_schedules_and_jobs()
    {
        var wf = Assert.Single(_r.Workflows);
        Assert.Equal(".github/workflows/ci.yml", wf.Path);
        Assert.Equal("CI", wf.Name);
        Assert.Null(wf.Error);
        Assert.Equal(["push", "pull_request", "schedule"], wf.Triggers);
        Assert.Equal(["0 3 * * *"], wf.Schedules);
        Assert.Equal(["test", "evaluate"], wf.Jobs.Select(j => j.Id));
        var test = wf.Jobs[0];
        Assert.Equal(["ubuntu-latest"], test.RunsOn);
        Assert.Equal(2, test.Steps);
        Assert.Equal(["actions/checkout@v4"], test.Uses);
        Assert.Equal(["pytest -q"], test.Run);
        var evaluate = wf.Jobs[1];
        Assert.Equal(["test"], evaluate.Needs);
        Assert.Equal(["self-hosted", "gpu"], evaluate.RunsOn);
        Assert.Equal(["python -m src.evaluate"], evaluate.Run);
    }

    [Fact]
    public void Without_a_GitHub_remote_ci_runs_fall_back_to_workflow_file_changes()
    {
        Assert.Equal(new Dictionary<string, int> { ["2024-02"] = 1, ["2024-03"] = 1 }, _r.WorkflowChangesByMonth);
        var ci = _r.CiRunsByMonth;
        Assert.Equal("workflow-file-changes", ci.Source);
        Assert.Contains("no GitHub remote", ci.Note);
        Assert.Equal([("2024-02", 1), ("2024-03", 1)], ci.Months.Select(m => (m.Month, m.Runs)));
        Assert.All(ci.Months, m => Assert.Null(m.SuccessRate));
        Assert.Equal(2, ci.TotalRuns);
        Assert.Null(ci.SuccessRate);
    }

    [Fact]
    public void Counts_benchmark_and_evaluation_keywords_in_messages_and_at_head()
    {
        KeywordUsage K(string k) => _r.Keywords.Single(x => x.Keyword == k);
        Assert.Equal(new Dictionary<string, int> { ["2024-01"] = 1 }, K("benchmark").CommitMessagesByMonth);
        Assert.Equal(new Dictionary<string, int> { ["2024-01"] = 1 }, K("baseline").CommitMessagesByMonth);
        Assert.Equal(new Dictionary<string, int> { ["2024-01"] = 1 }, K("accuracy").CommitMessagesByMonth);
        Assert.Equal(new Dictionary<string, int> { ["2024-02"] = 1, ["2024-03"] = 1 }, K("evaluation").CommitMessagesByMonth);
        Assert.Equal(new Dictionary<string, int> { ["2024-03"] = 1 }, K("f1").CommitMessagesByMonth);
        Assert.Equal(0, K("recall").CommitMessageTotal);
        Assert.Equal("benchmark", K("baseline").Kind);
        Assert.Equal("evaluation", K("accuracy").Kind);

        // At HEAD: README "benchmark"; training.py "accuracy" and "f1"; ci.yml "evaluate" twice (job id and module).
        Assert.Equal((1, "README.md"), (K("benchmark").OccurrencesAtHead, K("benchmark").TopFilesAtHead.Single().Path));
        Assert.Equal((1, "src/training.py"), (K("accuracy").OccurrencesAtHead, K("accuracy").TopFilesAtHead.Single().Path));
        Assert.Equal(1, K("f1").OccurrencesAtHead);
        Assert.Equal(new FileCount(".github/workflows/ci.yml", 2), K("evaluation").TopFilesAtHead.Single());
        Assert.Equal(0, K("baseline").OccurrencesAtHead);
    }

    [Fact]
    public void Reports_the_history_of_one_file_through_an_exact_rename()
    {
        var h = _r.FileHistory!;
        Assert.Equal("src/training.py", h.Path);
        Assert.Equal(["src/train.py"], h.PreviousPaths);
        Assert.Equal(
            [
                ("Tune f1", "modified", "src/training.py", 1, 0),
                ("Rename train module", "renamed", "src/training.py", 0, 0),
                ("Nightly evaluation, docker image", "modified", "src/train.py", 1, 0),
                ("Evaluation pipeline with dvc", "modified", "src/train.py", 1, 1),
                ("Track accuracy with mlflow", "modified", "src/train.py", 2, 0),
                ("Initial commit with benchmark baseline", "added", "src/train.py", 1, 0),
            ],
            h.Commits.Select(c => (c.Message, c.Change, c.Path!, c.LinesAdded, c.LinesRemoved)));
        Assert.Equal((6, 1), (h.LinesAdded, h.LinesRemoved));
        Assert.Equal(new FileMonth(2, 3, 0), h.ByMonth["2024-01"]);
        Assert.Equal(new FileMonth(1, 1, 1), h.ByMonth["2024-02"]);
        Assert.Equal(new FileMonth(3, 2, 0), h.ByMonth["2024-03"]);
        Assert.All(h.Commits, c => Assert.Equal("Ada Lovelace", c.Author));
    }

    [Fact]
    public async Task Since_limits_the_history_but_not_the_head_snapshot()
    {
        using var dir = new TempDir();
        var path = AuditFixtures.Analytics(dir);
        var r = await new AuditService(new AuditOptions { WorkDir = dir.Sub("work") })
            .AuditAsync(new AuditRequest { Path = path, Since = new DateOnly(2024, 2, 1), File = "src/training.py" });
        Assert.Equal(5, r.Statistics.CommitsAnalyzed);
        Assert.Equal(["2024-02", "2024-03"], r.TopFilesByMonth.Select(m => m.Month));
        Assert.Equal(["2024-02", "2024-03"], r.Months);
        Assert.Equal("2024-02=1, 2024-03=3", string.Join(", ", r.Tools.Single(t => t.Name == "MLflow").CountsByMonth.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(4, r.FileHistory!.Commits.Count);
        Assert.Equal(0, r.Keywords.Single(k => k.Keyword == "benchmark").CommitMessageTotal);
        Assert.Equal(1, r.Keywords.Single(k => k.Keyword == "benchmark").OccurrencesAtHead);
        Assert.Equal(new DateOnly(2024, 2, 1), r.Repository.Since);
    }

    [Fact]
    public async Task MaxCommits_keeps_the_newest_commits_and_says_the_history_was_truncated()
    {
        using var dir = new TempDir();
        var path = AuditFixtures.Analytics(dir);
        var r = await new AuditService(new AuditOptions { WorkDir = dir.Sub("work"), MaxCommits = 2 }).AuditAsync(new AuditRequest { Path = path });
        Assert.Equal(2, r.Statistics.CommitsAnalyzed);
        Assert.True(r.Statistics.Truncated);
        Assert.Equal(["2024-03"], r.TopFilesByMonth.Select(m => m.Month));
    }

    [Fact]
    public async Task Merge_commits_are_counted_but_not_diffed()
    {
        using var dir = new TempDir();
        var path = dir.Sub("merge");
        using (var w = GitCommitWriter.Create(path))
        {
            var root = w.Put("a.txt", "a\n").Commit("root", AuditFixtures.At(2024, 5, 1));
            var side = w.Put("b.txt", "b\n").Commit("side", AuditFixtures.At(2024, 5, 2));
            // Rewind to root and commit c.txt, then merge the side branch (tree has a, b, c).
            w.Repository.Refs.UpdateTarget("refs/heads/main", root.Id.Sha);
            using var w2 = GitCommitWriter.Create(path);
            w2.Put("c.txt", "c\n").Commit("main work", AuditFixtures.At(2024, 5, 3));
            w2.Put("b.txt", "b\n").Merge(side, "Merge side", AuditFixtures.At(2024, 5, 4));
        }
        var r = await new AuditService(new AuditOptions { WorkDir = dir.Sub("work") }).AuditAsync(new AuditRequest { Path = path });
        Assert.Equal(4, r.Statistics.CommitsAnalyzed);
        Assert.Equal(1, r.Statistics.MergeCommits);
        var may = Assert.Single(r.TopFilesByMonth);
        Assert.Equal("a.txt=1, b.txt=1, c.txt=1", string.Join(", ", may.Files.Select(f => $"{f.Path}={f.Count}")));
    }

    [Fact]
    public async Task An_empty_repository_gives_an_empty_report()
    {
        using var dir = new TempDir();
        var path = dir.Sub("empty");
        LibGit2Sharp.Repository.Init(path);
        var r = await new AuditService(new AuditOptions { WorkDir = dir.Sub("work") }).AuditAsync(new AuditRequest { Path = path, File = "x.py" });
        Assert.Equal(0, r.Statistics.CommitsAnalyzed);
        Assert.Empty(r.Months);
        Assert.Empty(r.TopFilesByMonth);
        Assert.Empty(r.FileHistory!.Commits);
        Assert.Null(r.Repository.Head);
        Assert.Equal(0, r.MlTestScore.Final);
    }
}
