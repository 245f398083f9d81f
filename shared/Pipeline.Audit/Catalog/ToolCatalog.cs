// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Pipeline.Audit.Catalog;

/// <summary>
/// The MLOps tool catalogue (Catalog/mlops-tools.json) compiled into matchers. Detection is by path pattern first (free),
/// then by content only for files that can mention tools, and for each tool only when one of its literals occurs.
/// </summary>
public sealed class ToolCatalog
{
    private const RegexOptions Compiled = RegexOptions.Compiled | RegexOptions.CultureInvariant;

    public IReadOnlyList<string> Categories { get; }
    internal IReadOnlyList<ToolDefinition> Tools { get; }
    internal IReadOnlyList<KeywordDefinition> Keywords { get; }
    private readonly CompiledTool[] _compiled;

    private ToolCatalog(CatalogFile file)
    {
        Categories = file.Categories;
        Tools = file.Tools;
        Keywords = file.Keywords;
        foreach (var t in file.Tools)
            if (!file.Categories.Contains(t.Category))
                throw new InvalidDataException($"Tool '{t.Name}' has unknown category '{t.Category}'");
        _compiled = file.Tools.Select(Compile).ToArray();
    }

    /// <summary>The catalogue embedded in this assembly.</summary>
    public static ToolCatalog Default { get; } = LoadEmbedded();

    public static ToolCatalog Load(Stream json) =>
        new(JsonSerializer.Deserialize<CatalogFile>(json, CatalogJson.Options) ?? throw new InvalidDataException("Empty tool catalogue"));

    private static ToolCatalog LoadEmbedded()
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Pipeline.Audit.Catalog.mlops-tools.json")
            ?? throw new InvalidOperationException("Embedded resource Pipeline.Audit.Catalog.mlops-tools.json is missing");
        return Load(s);
    }


    /// <summary>Tools whose path patterns match (no content needed).</summary>
    internal void DetectByPath(string path, List<ToolHit> hits)
    {
        for (var i = 0; i < _compiled.Length; i++)
            foreach (var r in _compiled[i].Paths)
                if (r.IsMatch(path)) { hits.Add(new ToolHit(i, "path")); break; }
    }

    /// <summary>Tools mentioned by the content of <paramref name="path"/> (dependencies, imports, configs); skips tools already in <paramref name="hits"/>.</summary>
    internal void DetectByContent(string path, string content, List<ToolHit> hits)
    {
        var isManifest = FileKinds.IsDependencyManifest(path);
        var isCode = !isManifest && FileKinds.IsCode(path);
        var isConfig = isManifest || (!isCode && FileKinds.IsConfig(path));
        if (!isManifest && !isCode && !isConfig) return;
        var language = isCode ? LanguageOf(path) : Language.None;

        for (var i = 0; i < _compiled.Length; i++)
        {
            var t = _compiled[i];
            if (t.Literals.Length == 0 || AlreadyHit(hits, i)) continue;
            if (!ContainsAny(content, t.Literals)) continue;
            if (isManifest && t.Dependency is { } dep && dep.IsMatch(content)) { hits.Add(new ToolHit(i, "dependency")); continue; }
            if (isCode && language != Language.None && t.Imports[(int)language] is { } imp && imp.IsMatch(content)) { hits.Add(new ToolHit(i, "import")); continue; }
            if (isConfig && t.Configs.Any(c => c.IsMatch(content))) hits.Add(new ToolHit(i, "config"));
        }
    }

    /// <summary>Regexes over CI commands that mean the tool is exercised by CI.</summary>
    public IReadOnlyList<Regex> CiPatterns(int tool) => _compiled[tool].Ci;

    private static bool AlreadyHit(List<ToolHit> hits, int tool)
    {
        foreach (var h in hits) if (h.Tool == tool) return true;
        return false;
    }

    private static bool ContainsAny(string content, string[] literals)
    {
        foreach (var l in literals)
            if (content.Contains(l, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private enum Language { Python, JavaScript, CSharp, None }

    private static Language LanguageOf(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".py" or ".pyi" or ".ipynb" => Language.Python,
            ".js" or ".mjs" or ".cjs" or ".ts" or ".tsx" or ".jsx" => Language.JavaScript,
            ".cs" => Language.CSharp,
            _ => Language.None,
        };
    }

    private static CompiledTool Compile(ToolDefinition t)
    {
        static string Alt(IEnumerable<string> names) => string.Join("|", names.Select(Regex.Escape));
        var imports = new Regex?[3];
        if (t.Imports.Count > 0)
        {
            var alt = Alt(t.Imports);
            // Notebooks keep source lines inside JSON strings, hence the optional quote.
            imports[(int)Language.Python] = new Regex($@"(?m)^\s*""?\s*(?:import|from)\s+(?:{alt})(?![\w])", Compiled);
            imports[(int)Language.JavaScript] = new Regex($@"(?:require\(\s*|from\s+|import\s+)['""](?:{alt})(?:['""/])", Compiled);
            imports[(int)Language.CSharp] = new Regex($@"(?m)^\s*(?:global\s+)?using\s+(?:static\s+)?(?:{alt})\s*[.;]", Compiled);
        }
        return new CompiledTool(
            t.Paths.Select(p => new Regex(p, Compiled)).ToArray(),
            t.Dependencies.Count > 0 ? new Regex($@"(?<![\w.@/-])(?:{Alt(t.Dependencies)})(?![\w-])", Compiled | RegexOptions.IgnoreCase) : null,
            imports,
            t.Configs.Select(c => new Regex(c, Compiled | RegexOptions.Multiline)).ToArray(),
            t.Ci.Select(c => new Regex(c, Compiled | RegexOptions.Multiline)).ToArray(),
            t.Dependencies.Concat(t.Imports).Concat(t.Keywords).Distinct(StringComparer.OrdinalIgnoreCase).ToArray());
    }

    private sealed record CompiledTool(Regex[] Paths, Regex? Dependency, Regex?[] Imports, Regex[] Configs, Regex[] Ci, string[] Literals);

    private sealed record CatalogFile
    {
        public List<string> Categories { get; init; } = [];
        public List<ToolDefinition> Tools { get; init; } = [];
        public List<KeywordDefinition> Keywords { get; init; } = [];
    }
}

/// <summary>How the data files are read (a separate class so that it is initialised before any catalogue is loaded).</summary>
internal static class CatalogJson
{
    public static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };
}
