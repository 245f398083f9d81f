// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Reflection;
using System.Text.Json;
using Pipeline.Audit.Catalog;

namespace Pipeline.Audit.Scoring;

/// <summary>The ML Test Score rubric and its evidence rules (Catalog/ml-test-score-rules.json), compiled.</summary>
public sealed class MlTestScoreRules
{
    internal IReadOnlyList<SectionDefinition> Sections { get; }
    internal IReadOnlyList<TestDefinition> Tests { get; }
    internal IReadOnlyList<BandDefinition> Bands { get; }

    private MlTestScoreRules(RulesFile file)
    {
        Sections = file.Sections;
        Tests = file.Tests;
        Bands = file.Bands;
        foreach (var t in Tests)
        {
            if (Sections.All(s => s.Key != t.Section)) throw new InvalidDataException($"Test {t.Id} has unknown section '{t.Section}'");
            foreach (var r in t.Rules) r.Compile();
        }
    }

    public static MlTestScoreRules Default { get; } = LoadEmbedded();

    public static MlTestScoreRules Load(Stream json) =>
        new(JsonSerializer.Deserialize<RulesFile>(json, CatalogJson.Options) ?? throw new InvalidDataException("Empty rules file"));

    private static MlTestScoreRules LoadEmbedded()
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Pipeline.Audit.Catalog.ml-test-score-rules.json")
            ?? throw new InvalidOperationException("Embedded resource Pipeline.Audit.Catalog.ml-test-score-rules.json is missing");
        return Load(s);
    }

    /// <summary>The paper's interpretation (Table V) of a final score.</summary>
    public string BandOf(double final) => Bands.First(b => b.Max is null || final <= b.Max).Text;

    private sealed record RulesFile
    {
        public List<SectionDefinition> Sections { get; init; } = [];
        public List<TestDefinition> Tests { get; init; } = [];
        public List<BandDefinition> Bands { get; init; } = [];
    }
}
