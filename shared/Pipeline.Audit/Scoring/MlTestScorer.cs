// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Pipeline.Audit.Analysis;
using Pipeline.Audit.Catalog;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;

namespace Pipeline.Audit.Scoring;

/// <summary>
/// Scores the 28 tests of the ML Test Score from the HEAD snapshot. Each test: 0 without evidence, 0.5 when evidence exists
/// but none is automated, 1 when some evidence is automated (see <see cref="CiContext"/>). Section score = sum of its tests;
/// final = minimum of the four sections; band = the paper's interpretation of the final score.
/// </summary>
internal sealed class MlTestScorer(MlTestScoreRules rules, ToolCatalog catalog)
{
    private const int MaxEvidencePerTest = 8;
    private const int MaxMatchesPerRule = 6;

    public MlTestScoreReport Score(RepositorySnapshot snapshot, CiContext ci, IReadOnlyList<HeadTool> headTools)
    {
        var sections = new Dictionary<string, SectionScore>();
        foreach (var section in rules.Sections)
        {
            var tests = rules.Tests.Where(t => t.Section == section.Key).Select(t => ScoreTest(t, snapshot, ci, headTools)).ToList();
            sections[section.Key] = new SectionScore { Name = section.Name, Score = tests.Sum(t => t.Score), MaxScore = tests.Count, Tests = tests };
        }
        var all = new MlTestScoreSections
        {
            Data = sections["data"],
            Model = sections["model"],
            Infrastructure = sections["infrastructure"],
            Monitoring = sections["monitoring"],
        };
        var final = all.All().Min(s => s.Section.Score);
        return new MlTestScoreReport { Sections = all, Final = final, Band = rules.BandOf(final), Ci = ci.Summary() };
    }

    private TestScore ScoreTest(TestDefinition test, RepositorySnapshot snapshot, CiContext ci, IReadOnlyList<HeadTool> headTools)
    {
        var evidence = new List<Evidence>();
        foreach (var rule in test.Rules) evidence.AddRange(Find(rule, snapshot, ci, headTools));

        // One line per file: the strongest piece of evidence (automated first), in a stable order.
        var chosen = evidence
            .GroupBy(e => e.Path, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(e => e.Automated).First())
            .OrderByDescending(e => e.Automated).ThenBy(e => e.Path, StringComparer.Ordinal)
            .Take(MaxEvidencePerTest)
            .ToList();
        var score = chosen.Count == 0 ? 0 : chosen.Any(e => e.Automated) ? 1 : 0.5;
        return new TestScore
        {
            Id = test.Id,
            Name = test.Name,
            Score = score,
            Status = score switch { 0 => "missing", 1 => "automated", _ => "manual" },
            Evidence = chosen,
            HowToEarn = score switch
            {
                1 => "Earned. " + test.HowToEarn,
                0.5 => "Half earned: the evidence is not exercised by CI. To earn the full point, automate it: " + test.HowToEarn,
                _ => test.HowToEarn,
            },
        };
    }

    private IEnumerable<Evidence> Find(EvidenceRule rule, RepositorySnapshot snapshot, CiContext ci, IReadOnlyList<HeadTool> headTools)
    {
        if (rule.PathRegex is { } pathRegex)
        {
            foreach (var path in snapshot.Paths.Where(p => pathRegex.IsMatch(p) && !snapshot.IsIgnored(p)).Take(MaxMatchesPerRule * 4))
                yield return Make(rule, path, null, null, ci);
        }

        if (rule.ContentRegex is { } contentRegex)
        {
            if (rule.Scope.Contains("ci"))
            {
                foreach (var (def, text) in ci.Commands.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    var m = contentRegex.Match(text);
                    if (m.Success) yield return new Evidence { Path = def, Rule = rule.Description, Excerpt = Excerpt(text, m.Index), Automated = true, Reason = "run by CI (" + def + ")" };
                }
            }
            var found = 0;
            foreach (var path in snapshot.Paths)
            {
                if (found >= MaxMatchesPerRule * 4) break;
                if (!InScope(rule.Scope, path) || snapshot.IsIgnored(path) || FileKinds.IsIgnoredForContent(path) || snapshot.Text(path) is not { } text) continue;
                var m = contentRegex.Match(text);
                if (!m.Success) continue;
                found++;
                yield return Make(rule, path, LineOf(text, m.Index), Excerpt(text, m.Index), ci);
            }
        }

        if (rule.Tools.Count > 0 || rule.ToolCategories.Count > 0)
        {
            foreach (var head in headTools)
            {
                var tool = catalog.Tools[head.Tool];
                if (!rule.Tools.Contains(tool.Name) && !rule.ToolCategories.Contains(tool.Category)) continue;
                var ciDef = ci.Matching(catalog.CiPatterns(head.Tool));
                foreach (var path in head.Files.Take(MaxMatchesPerRule))
                {
                    var e = Make(rule, path, null, null, ci) with { Rule = $"{rule.Description}: {tool.Name} ({string.Join(", ", head.DetectedBy)})" };
                    yield return ciDef is not null && !e.Automated ? e with { Automated = true, Reason = $"CI runs {tool.Name} ({ciDef})" } : e;
                }
            }
        }
    }

    private static bool InScope(List<string> scope, string path)
    {
        if (scope.Count == 0) return FileKinds.IsCode(path) || FileKinds.IsConfig(path);
        foreach (var s in scope)
        {
            var ok = s switch
            {
                "code" => FileKinds.IsCode(path),
                "tests" => FileKinds.IsTest(path) && FileKinds.IsCode(path),
                "config" => (FileKinds.IsConfig(path) || FileKinds.IsDependencyManifest(path)) && !FileKinds.IsCiDefinition(path),
                "docs" => FileKinds.IsDoc(path),
                _ => false,
            };
            if (ok) return true;
        }
        return false;
    }

    private static Evidence Make(EvidenceRule rule, string path, int? line, string? excerpt, CiContext ci)
    {
        var (automated, reason) = rule.Automation switch
        {
            "always" => (true, "acted on automatically by a service (e.g. Dependabot, CODEOWNERS review requests)"),
            "manual" => (false, "documentation or configuration applied by hand"),
            _ => Automation(path, ci),
        };
        return new Evidence { Path = path, Rule = rule.Description, Line = line, Excerpt = excerpt, Automated = automated, Reason = reason };
    }

    /// <summary>Whether CI exercises the file, and why (or why not).</summary>
    public static (bool Automated, string Reason) Automation(string path, CiContext ci)
    {
        if (FileKinds.IsCiDefinition(path)) return (true, "CI definition, runs on its triggers");
        if (FileKinds.IsTest(path) && ci.RunsTests) return (true, "test file; CI runs the tests: " + ci.TestCommand);
        if (ci.ReferencedBy(path) is { } def) return (true, "named by the CI commands of " + def);
        if (ci.RunsTests && ci.TestUsing(path) is { } test) return (true, $"exercised by {test}, which CI runs");
        if (ci.Definitions.Count == 0) return (false, "no CI configuration found, so nothing runs it automatically");
        return (false, ci.RunsTests ? "no CI command or CI-run test refers to it" : "CI does not run tests, and no CI command refers to it");
    }

    private static int LineOf(string text, int index)
    {
        var line = 1;
        for (var i = 0; i < index && i < text.Length; i++) if (text[i] == '\n') line++;
        return line;
    }

    private static string Excerpt(string text, int index)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, Math.Min(index, text.Length - 1))) + 1;
        var end = text.IndexOf('\n', index);
        if (end < 0) end = text.Length;
        var line = text[start..end].Trim();
        return line.Length <= 160 ? line : line[..157] + "...";
    }
}
