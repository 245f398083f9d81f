// pipeline-audit:ignore — tests of the audit itself.
using System.Text.Json.Nodes;
using Pipeline.Audit;
using Pipeline.Audit.Cli;
using Pipeline.Audit.Model;
using Pipeline.Audit.Reporting;

namespace Pipeline.UnitTests.Audit;

public sealed class ReportOutputTests : IClassFixture<HistoryAnalysisTests.AnalyticsReport>
{
    private readonly HistoryAnalysisTests.AnalyticsReport _fixture;
    public ReportOutputTests(HistoryAnalysisTests.AnalyticsReport fixture) => _fixture = fixture;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Json_is_camelCase_with_the_documented_top_level_shape_and_round_trips()
    {
        var json = AuditJson.Serialize(_fixture.Report);
        var node = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(
            ["repository", "generatedAt", "mlTestScore", "tools", "toolCategoriesByMonth", "topFilesByMonth", "ciRunsByMonth", "workflows",
             "workflowChangesByMonth", "keywords", "fileHistory", "months", "statistics", "generator"],
            node.Select(p => p.Key));
        var sections = node["mlTestScore"]!["sections"]!.AsObject();
        Assert.Equal(["data", "model", "infrastructure", "monitoring"], sections.Select(p => p.Key));
        var test = sections["data"]!["tests"]![0]!.AsObject();
        Assert.Equal(["id", "name", "score", "status", "evidence", "howToEarn"], test.Select(p => p.Key));
        Assert.Equal(2, (int)node["tools"]![0]!["countsByMonth"]!["2024-01"]!);
        Assert.Equal("requirements.txt", (string?)node["topFilesByMonth"]![0]!["files"]![0]!["path"]);
        Assert.Equal("workflow-file-changes", (string?)node["ciRunsByMonth"]!["source"]);

        var back = AuditJson.Deserialize(json);
        Assert.Equal(json, AuditJson.Serialize(back));
    }

    [Fact]
    public void Markdown_shows_the_score_evidence_and_analyses()
    {
        var md = MarkdownReport.Render(_fixture.Report, new Dictionary<string, string> { ["scores"] = "charts/scores.png" });
        Assert.StartsWith(MarkdownReport.Marker, md);
        Assert.Contains("## ML Test Score", md);
        Assert.Contains("| Features and Data | ", md);
        Assert.Contains("| data-1: Feature expectations are captured in a schema |", md);
        Assert.Contains("![Score per section](charts/scores.png)", md);
        Assert.Contains("| 2024-03 | 3 | `src/train.py` (2), `src/training.py` (2), `.github/workflows/ci.yml` (1) |", md);
        Assert.Contains("| MLflow | tracking | 6 | 3 |", md);
        Assert.Contains("## History of `src/training.py`", md);
        Assert.Contains("earlier names: `src/train.py`", md);
    }

    [Fact]
    public void Charts_are_valid_non_trivial_pngs()
    {
        foreach (var name in AuditCharts.Names)
        {
            var png = AuditCharts.Render(_fixture.Report, name)!;
            Assert.Equal(PngSignature, png[..8]);
            Assert.True(png.Length > 10_000, $"{name}.png is only {png.Length} bytes");
        }
        Assert.Null(AuditCharts.Render(_fixture.Report, "nope"));
    }

    [Fact]
    public async Task Cli_writes_json_markdown_and_charts_to_the_out_folder()
    {
        using var dir = new TempDir();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var outDir = dir.Sub("out");
        var code = await AuditCommand.RunAsync(
            ["audit", _fixture.RepoPath, "--since", "2024-02-01", "--out", outDir, "--top", "2", "--file", "src/training.py"],
            new AuditOptions { WorkDir = dir.Sub("work") }, stdout, stderr, CancellationToken.None);
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("ML Test Score", stdout.ToString());
        var report = AuditJson.Deserialize(await File.ReadAllTextAsync(Path.Combine(outDir, "audit.json")));
        Assert.Equal(5, report.Statistics.CommitsAnalyzed);
        Assert.All(report.TopFilesByMonth, m => Assert.True(m.Files.Count <= 2));
        Assert.Equal(4, report.FileHistory!.Commits.Count);
        Assert.Contains("charts/tool-categories.png", await File.ReadAllTextAsync(Path.Combine(outDir, "audit.md")));
        foreach (var name in AuditCharts.Names)
            Assert.Equal(PngSignature, (await File.ReadAllBytesAsync(Path.Combine(outDir, "charts", name + ".png")))[..8]);
    }

    [Theory]
    [InlineData(new string[0], "the repository to audit is missing")]
    [InlineData(new[] { "/definitely/not/here", "--since", "2024-02-01" }, "neither an existing folder nor owner/name")]
    [InlineData(new[] { "acme/widgets", "--since", "02/01/2024" }, "--since must be yyyy-mm-dd")]
    [InlineData(new[] { "acme/widgets", "--top", "0" }, "--top must be a positive number")]
    [InlineData(new[] { "acme/widgets", "--frobnicate" }, "unknown option --frobnicate")]
    [InlineData(new[] { "acme/widgets", "--out" }, "--out needs a value")]
    public async Task Cli_rejects_bad_arguments_with_exit_code_2(string[] args, string message)
    {
        var stderr = new StringWriter();
        var code = await AuditCommand.RunAsync(args, new AuditOptions(), new StringWriter(), stderr, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr.ToString());
        Assert.Contains(AuditCommand.Usage, stderr.ToString());
    }

    [Fact]
    public async Task Cli_on_a_folder_that_is_not_a_repository_says_so()
    {
        using var dir = new TempDir();
        var stderr = new StringWriter();
        var code = await AuditCommand.RunAsync([dir.Path], new AuditOptions(), new StringWriter(), stderr, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("is not a git repository", stderr.ToString());
    }

    [Fact]
    public void Charts_render_for_an_empty_history()
    {
        var empty = _fixture.Report with
        {
            Months = [],
            TopFilesByMonth = [],
            ToolCategoriesByMonth = new(),
            CiRunsByMonth = new CiRunsReport { Source = "workflow-file-changes" },
        };
        foreach (var name in AuditCharts.Names) Assert.Equal(PngSignature, AuditCharts.Render(empty, name)![..8]);
    }
}
