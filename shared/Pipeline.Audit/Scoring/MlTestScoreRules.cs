using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Audit.Catalog;

namespace Pipeline.Audit.Scoring;

/// <summary>The ML Test Score rubric and its evidence rules (Catalog/ml-test-score-rules.json), compiled.</summary>
public sealed class MlTestScoreRules
{
    public IReadOnlyList<SectionDefinition> Sections { get; }
    public IReadOnlyList<TestDefinition> Tests { get; }
    public IReadOnlyList<BandDefinition> Bands { get; }

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

public sealed record SectionDefinition(string Key, string Name);

public sealed record BandDefinition(double? Max, string Text);

public sealed record TestDefinition
{
    public required string Id { get; init; }
    public required string Section { get; init; }
    public required string Name { get; init; }
    public required string HowToEarn { get; init; }
    public List<EvidenceRule> Rules { get; init; } = [];
}

public sealed record EvidenceRule
{
    public required string Description { get; init; }
    public string? Path { get; init; }
    public string? Content { get; init; }
    public List<string> Scope { get; init; } = [];
    public List<string> Tools { get; init; } = [];
    public List<string> ToolCategories { get; init; } = [];
    /// <summary>"ci" (default): automated when CI exercises the evidence; "always": a service acts on it; "manual": never automated.</summary>
    public string Automation { get; init; } = "ci";

    internal Regex? PathRegex { get; private set; }
    internal Regex? ContentRegex { get; private set; }

    internal void Compile()
    {
        if (Automation is not ("ci" or "always" or "manual")) throw new InvalidDataException($"Rule '{Description}': unknown automation '{Automation}'");
        PathRegex = Path is null ? null : new Regex(Path, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        ContentRegex = Content is null ? null : new Regex(Content, RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline);
        if (PathRegex is null && ContentRegex is null && Tools.Count == 0 && ToolCategories.Count == 0)
            throw new InvalidDataException($"Rule '{Description}' has no path, content or tools");
        foreach (var s in Scope)
            if (s is not ("code" or "tests" or "config" or "docs" or "ci")) throw new InvalidDataException($"Rule '{Description}': unknown scope '{s}'");
    }
}
