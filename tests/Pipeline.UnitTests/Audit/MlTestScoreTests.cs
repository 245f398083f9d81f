// pipeline-audit:ignore — tests of the audit itself.
using Pipeline.Audit;
using Pipeline.Audit.Catalog;
using Pipeline.Audit.Model;
using Pipeline.Audit.Scoring;

namespace Pipeline.UnitTests.Audit;

public sealed class MlTestScoreTests
{
    private static async Task<AuditReport> AuditAsync(Func<TempDir, string> build)
    {
        using var dir = new TempDir();
        var path = build(dir);
        return await new AuditService(new AuditOptions { WorkDir = dir.Sub("work") }).AuditAsync(new AuditRequest { Path = path });
    }

    private static TestScore Test(AuditReport r, string id) =>
        r.MlTestScore.Sections.All().SelectMany(s => s.Section.Tests).Single(t => t.Id == id);

    [Fact]
    public void The_rubric_has_the_28_tests_of_the_paper_in_four_sections()
    {
        var rules = MlTestScoreRules.Default;
        Assert.Equal(["data", "model", "infrastructure", "monitoring"], rules.Sections.Select(s => s.Key));
        Assert.Equal(28, rules.Tests.Count);
        Assert.All(rules.Sections, s => Assert.Equal(7, rules.Tests.Count(t => t.Section == s.Key)));
        Assert.Equal("Feature expectations are captured in a schema", rules.Tests.Single(t => t.Id == "data-1").Name);
        Assert.Equal("All input feature code is tested", rules.Tests.Single(t => t.Id == "data-7").Name);
        Assert.Equal("Model specs are reviewed and submitted", rules.Tests.Single(t => t.Id == "model-1").Name);
        Assert.Equal("The model is tested for considerations of inclusion", rules.Tests.Single(t => t.Id == "model-7").Name);
        Assert.Equal("Training is reproducible", rules.Tests.Single(t => t.Id == "infra-1").Name);
        Assert.Equal("Serving models can be rolled back", rules.Tests.Single(t => t.Id == "infra-7").Name);
        Assert.Equal("Dependency changes result in notification", rules.Tests.Single(t => t.Id == "monitor-1").Name);
        Assert.Equal("Prediction quality has not regressed", rules.Tests.Single(t => t.Id == "monitor-7").Name);
        Assert.All(rules.Tests, t => Assert.NotEmpty(t.Rules));
        Assert.All(rules.Tests, t => Assert.False(string.IsNullOrWhiteSpace(t.HowToEarn)));
    }

    [Theory]
    [InlineData(0, "More of a research project than a productionized system.")]
    [InlineData(0.5, "Not totally untested, but it is worth considering the possibility of serious holes in reliability.")]
    [InlineData(1, "Not totally untested, but it is worth considering the possibility of serious holes in reliability.")]
    [InlineData(1.5, "There's been first pass at basic productionization, but additional investment may be needed.")]
    [InlineData(2, "There's been first pass at basic productionization, but additional investment may be needed.")]
    [InlineData(3, "Reasonably tested, but it's possible that more of those tests and procedures may be automated.")]
    [InlineData(3.5, "Strong levels of automated testing and monitoring, appropriate for mission-critical systems.")]
    [InlineData(5, "Strong levels of automated testing and monitoring, appropriate for mission-critical systems.")]
    [InlineData(5.5, "Exceptional levels of automated testing and monitoring.")]
    public void Bands_follow_the_papers_table(double final, string band) => Assert.Equal(band, MlTestScoreRules.Default.BandOf(final));

    [Fact]
    public void The_tool_catalogue_has_the_issues_categories_and_tools()
    {
        var c = ToolCatalog.Default;
        Assert.Equal(["tracking", "versioning", "orchestration", "serving", "monitoring", "validation", "ci", "containers"], c.Categories);
        string Tools(string category) => string.Join(", ", c.Tools.Where(t => t.Category == category).Select(t => t.Name));
        Assert.Equal("MLflow, Weights & Biases, Neptune", Tools("tracking"));
        Assert.Equal("DVC, LakeFS", Tools("versioning"));
        Assert.Equal("Airflow, Kubeflow, Prefect, Dagster", Tools("orchestration"));
        Assert.Equal("BentoML, Seldon, KServe, TorchServe", Tools("serving"));
        Assert.Equal("Evidently, WhyLabs, Prometheus", Tools("monitoring"));
        Assert.Equal("Great Expectations, Pandera, TFDV", Tools("validation"));
        Assert.Equal("GitHub Actions, Jenkins, GitLab CI", Tools("ci"));
        Assert.Equal("Docker, Kubernetes, Helm", Tools("containers"));
    }

    [Theory]
    [InlineData("requirements.txt", "mlflow==2.9\nwandb>=0.16\n", "MLflow,Weights & Biases")]
    [InlineData("pyproject.toml", "[project]\ndependencies = [\"dvc[s3]>=3\", \"pandera\"]\n", "DVC,Pandera")]
    [InlineData("environment.yml", "dependencies:\n  - pip:\n    - great-expectations==0.18\n", "Great Expectations")]
    [InlineData("package.json", "{\"dependencies\": {\"prom-client\": \"^15\"}}", "Prometheus")]
    [InlineData("src/App.csproj", "<PackageReference Include=\"prometheus-net.AspNetCore\" />", "Prometheus")]
    [InlineData("src/train.py", "from mlflow import log_metric\nimport evidently.report\n", "MLflow,Evidently")]
    [InlineData("nb/explore.ipynb", "{\n \"source\": [\n  \"import wandb\\n\"\n ]\n}", "Weights & Biases")]
    [InlineData("src/serve.py", "# mlflow is not imported here\nprint('mlflow')\n", "")]
    [InlineData("k8s/serving.yaml", "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n", "KServe")]
    [InlineData("k8s/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n", "Kubernetes")]
    [InlineData("dags/etl.py", "from airflow import DAG\n", "Airflow")]
    [InlineData("requirements-dev.txt", "mlflow-skinny\nneptune-client\n", "MLflow,Neptune")]
    [InlineData("requirements.txt", "dvcx==1\nmlflowish==2\n", "")]
    public void Detects_tools_in_dependency_files_imports_and_configs(string path, string content, string expected)
    {
        var c = ToolCatalog.Default;
        var hits = new List<ToolHit>();
        c.DetectByContent(path, content, hits);
        Assert.Equal(expected, string.Join(",", hits.Select(h => c.Tools[h.Tool].Name)));
    }

    [Theory]
    [InlineData("Dockerfile", "Docker")]
    [InlineData("docker/api.Dockerfile", "Docker")]
    [InlineData("docker-compose.yml", "Docker")]
    [InlineData("charts/app/Chart.yaml", "Helm")]
    [InlineData(".github/workflows/ci.yml", "GitHub Actions")]
    [InlineData("Jenkinsfile", "Jenkins")]
    [InlineData(".gitlab-ci.yml", "GitLab CI")]
    [InlineData("data/raw.csv.dvc", "DVC")]
    [InlineData("bentofile.yaml", "BentoML")]
    [InlineData("src/main.py", "")]
    public void Detects_tools_by_path(string path, string expected)
    {
        var hits = new List<ToolHit>();
        ToolCatalog.Default.DetectByPath(path, hits);
        Assert.Equal(expected, string.Join(",", hits.Select(h => ToolCatalog.Default.Tools[h.Tool].Name)));
    }

    [Fact]
    public async Task A_project_without_ml_practice_scores_zero_everywhere_and_says_how_to_earn_each_point()
    {
        var r = await AuditAsync(AuditFixtures.Zero);
        var s = r.MlTestScore;
        Assert.Equal((0d, 0d, 0d, 0d), (s.Sections.Data.Score, s.Sections.Model.Score, s.Sections.Infrastructure.Score, s.Sections.Monitoring.Score));
        Assert.Equal(0, s.Final);
        Assert.Equal("More of a research project than a productionized system.", s.Band);
        Assert.Empty(s.Ci.Definitions);
        Assert.False(s.Ci.RunsTests);
        var all = s.Sections.All().SelectMany(x => x.Section.Tests).ToList();
        Assert.Equal(28, all.Count);
        Assert.All(all, t =>
        {
            Assert.Equal(0, t.Score);
            Assert.Equal("missing", t.Status);
            Assert.Empty(t.Evidence);
            Assert.Equal(MlTestScoreRules.Default.Tests.Single(d => d.Id == t.Id).HowToEarn, t.HowToEarn);
        });
    }

    [Fact]
    public async Task A_project_with_automated_evidence_scores_high_with_exact_section_scores()
    {
        var r = await AuditAsync(AuditFixtures.High);
        var s = r.MlTestScore;
        string Scores(SectionScore section) => string.Join(" ", section.Tests.Select(t => t.Score.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("1 1 0.5 1 1 1 1", Scores(s.Sections.Data));
        Assert.Equal("1 1 1 0 1 1 1", Scores(s.Sections.Model));
        Assert.Equal("1 1 1 1 0.5 0.5 1", Scores(s.Sections.Infrastructure));
        Assert.Equal("1 1 1 1 1 1 1", Scores(s.Sections.Monitoring));
        Assert.Equal((6.5, 6d, 6d, 7d), (s.Sections.Data.Score, s.Sections.Model.Score, s.Sections.Infrastructure.Score, s.Sections.Monitoring.Score));
        Assert.Equal(6, s.Final);
        Assert.Equal("Exceptional levels of automated testing and monitoring.", s.Band);
        Assert.Equal([".github/workflows/ci.yml"], s.Ci.Definitions);
        Assert.True(s.Ci.RunsTests);
        Assert.Equal("pytest (.github/workflows/ci.yml)", s.Ci.TestCommand);
    }

    [Fact]
    public async Task Every_point_cites_the_files_that_earned_it()
    {
        var r = await AuditAsync(AuditFixtures.High);

        var data1 = Test(r, "data-1");
        // The workflow runs a Great Expectations checkpoint; requirements.txt (installed by CI) declares it; the schema is not used by CI.
        Assert.Equal([(".github/workflows/ci.yml", true), ("requirements.txt", true), ("data/schema.json", false)], data1.Evidence.Select(e => (e.Path, e.Automated)));
        Assert.Equal("data validation tool: Great Expectations (config, dependency)", data1.Evidence[1].Rule);
        Assert.Equal("named by the CI commands of .github/workflows/ci.yml", data1.Evidence[1].Reason);
        Assert.Equal("data schema file", data1.Evidence[2].Rule);

        var data3 = Test(r, "data-3");
        Assert.Equal(("manual", 0.5), (data3.Status, data3.Score));
        var cost = Assert.Single(data3.Evidence);
        Assert.Equal(("scripts/feature_cost_report.py", 1, false), (cost.Path, cost.Line, cost.Automated));
        Assert.Equal("FEATURE_COST = {\"spend\": 0.4, \"visits\": 0.1}", cost.Excerpt);
        Assert.Equal("no CI command or CI-run test refers to it", cost.Reason);
        Assert.StartsWith("Half earned", data3.HowToEarn);

        var data5 = Test(r, "data-5");
        var pii = Assert.Single(data5.Evidence);
        Assert.Equal(("src/features.py", true, "exercised by tests/test_features.py, which CI runs"), (pii.Path, pii.Automated, pii.Reason));

        var model1 = Test(r, "model-1");
        Assert.Equal(["CODEOWNERS", "dvc.yaml", "params.yaml"], model1.Evidence.Select(e => e.Path));
        Assert.True(model1.Evidence[0].Automated);

        var model4 = Test(r, "model-4");
        Assert.Equal(("missing", 0d), (model4.Status, model4.Score));
        Assert.Empty(model4.Evidence);
        Assert.Contains("backtests", model4.HowToEarn);

        var infra3 = Test(r, "infra-3");
        Assert.Contains(infra3.Evidence, e => e.Path == "tests/integration/test_pipeline.py" && e.Automated && e.Reason.StartsWith("test file; CI runs the tests: pytest", StringComparison.Ordinal));

        var infra6 = Test(r, "infra-6");
        Assert.Equal([("deploy/rollout.yaml", false)], infra6.Evidence.Select(e => (e.Path, e.Automated)));

        var monitor1 = Test(r, "monitor-1");
        Assert.Equal([(".github/dependabot.yml", true)], monitor1.Evidence.Select(e => (e.Path, e.Automated)));

        var monitor4 = Test(r, "monitor-4");
        Assert.Equal((".github/workflows/ci.yml", true), (monitor4.Evidence[0].Path, monitor4.Evidence[0].Automated));
        Assert.Equal("scheduled retraining in CI", monitor4.Evidence[0].Rule);

        Assert.All(r.MlTestScore.Sections.All().SelectMany(x => x.Section.Tests).Where(t => t.Score > 0), t => Assert.NotEmpty(t.Evidence));
    }

    [Fact]
    public async Task Evidence_without_ci_is_only_worth_half_a_point()
    {
        // The high fixture without its workflow: the same files, nothing automated except service-driven configs.
        var r = await AuditAsync(dir =>
        {
            var path = AuditFixtures.High(dir);
            using var w = Pipeline.Audit.Git.GitCommitWriter.Create(path);
            w.Delete(".github/workflows/ci.yml").Commit("Drop CI", AuditFixtures.At(2024, 4, 3));
            return path;
        });
        var tests = r.MlTestScore.Sections.All().SelectMany(x => x.Section.Tests).ToList();
        Assert.Equal(["model-1", "monitor-1"], tests.Where(t => t.Score == 1).Select(t => t.Id));
        Assert.All(tests.Where(t => t.Score == 0.5), t => Assert.All(t.Evidence, e => Assert.False(e.Automated)));
        Assert.Equal("no CI configuration found, so nothing runs it automatically", Test(r, "data-7").Evidence[0].Reason);
        Assert.Equal(0, Test(r, "monitor-4").Score);
    }
}
