// pipeline-audit:ignore — tests of the audit itself.
using LibGit2Sharp;
using Pipeline.Audit;
using Pipeline.Audit.Cli;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;
using Pipeline.Audit.Reporting;

namespace Pipeline.IntegrationTests.Audit;

/// <summary>
/// "owner/name" audits against a real git remote: a bare repository served from a local folder set as Audit:CloneBaseUrl,
/// cloned by LibGit2Sharp into the work folder, fetched again on the next audit.
/// </summary>
public sealed class AuditCloneTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pipeline-audit-it-").FullName;

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
        Directory.Delete(_root, recursive: true);
    }

    private static DateTimeOffset At(int y, int m, int d) => new(y, m, d, 9, 0, 0, TimeSpan.Zero);

    private string Mirror() => Path.Combine(_root, "mirror");

    private GitCommitWriter Remote() => GitCommitWriter.Create(Path.Combine(Mirror(), "acme", "widgets.git"), bare: true);

    [Fact]
    public async Task Clones_owner_name_from_the_clone_base_and_fetches_new_commits_on_the_next_audit()
    {
        using (var remote = Remote())
        {
            remote.Put("requirements.txt", "mlflow==2.9\n").Put("train.py", "import mlflow\n").Commit("Start tracking", At(2024, 1, 5));
            remote.Put("train.py", "import mlflow\nmlflow.autolog()\n").Commit("Autolog", At(2024, 2, 5));
        }
        var options = new AuditOptions { CloneBaseUrl = Mirror(), WorkDir = Path.Combine(_root, "work"), UseGitHubApi = false };
        var service = new AuditService(options);

        var first = await service.AuditAsync(new AuditRequest { Repo = "acme/widgets" });
        Assert.Equal("repo", first.Repository.Source);
        Assert.Equal("acme/widgets", first.Repository.Repo);
        Assert.Equal(2, first.Statistics.CommitsAnalyzed);
        Assert.True(Repository.IsValid(Path.Combine(options.WorkDir, "acme", "widgets.git")));
        Assert.Equal(new Dictionary<string, int> { ["2024-01"] = 2, ["2024-02"] = 1 }, first.Tools.Single(t => t.Name == "MLflow").CountsByMonth);

        using (var remote = Remote())
            remote.Put("Dockerfile", "FROM python:3.12\n").Commit("Container", At(2024, 3, 5));

        var second = await service.AuditAsync(new AuditRequest { Repo = "acme/widgets" });
        Assert.Equal(3, second.Statistics.CommitsAnalyzed);
        Assert.Equal(new Dictionary<string, int> { ["2024-03"] = 1 }, second.Tools.Single(t => t.Name == "Docker").CountsByMonth);
    }

    [Fact]
    public async Task A_missing_repository_fails_with_a_clear_message()
    {
        var service = new AuditService(new AuditOptions { CloneBaseUrl = Mirror(), WorkDir = Path.Combine(_root, "work") });
        var e = await Assert.ThrowsAsync<AuditSourceUnavailableException>(() => service.AuditAsync(new AuditRequest { Repo = "acme/missing" }));
        Assert.Contains("Could not clone", e.Message);
        Assert.Contains(Path.Combine("acme", "missing.git"), e.Message.Replace('/', Path.DirectorySeparatorChar));
    }

    [Fact]
    public async Task The_cli_audits_owner_name_end_to_end()
    {
        using (var remote = Remote())
        {
            remote.Put(".github/workflows/ci.yml", "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n")
                .Put("tests/test_model.py", "def test_model_is_reproducible():\n    assert True\n")
                .Commit("CI", At(2024, 4, 1));
        }
        var outDir = Path.Combine(_root, "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AuditCommand.RunAsync(["audit", "acme/widgets", "--out", outDir],
            new AuditOptions { CloneBaseUrl = Mirror(), WorkDir = Path.Combine(_root, "work"), UseGitHubApi = false }, stdout, stderr, CancellationToken.None);
        Assert.True(code == 0, stderr.ToString());
        var report = AuditJson.Deserialize(await File.ReadAllTextAsync(Path.Combine(outDir, "audit.json")));
        Assert.Equal("acme/widgets", report.Repository.Repo);
        Assert.Equal(1, report.MlTestScore.Sections.Infrastructure.Tests.Single(t => t.Id == "infra-1").Score);
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "scores.png")));
        Assert.Contains("ML Test Score", await File.ReadAllTextAsync(Path.Combine(outDir, "audit.md")));
    }
}
