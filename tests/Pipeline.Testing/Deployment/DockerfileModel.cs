using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>One instruction of a Dockerfile (continuation lines joined, comments dropped).</summary>
public sealed record DockerInstruction(int Line, string Keyword, string Arguments);

/// <summary>A build stage: FROM image [AS name] and its instructions.</summary>
public sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions);

/// <summary>A Dockerfile read into stages, for structural lint (hadolint is not obtainable here).</summary>
public sealed class DockerfileModel
{
    private DockerfileModel(string path, IReadOnlyList<DockerInstruction> global, IReadOnlyList<DockerStage> stages)
    {
        Path = path;
        GlobalInstructions = global;
        Stages = stages;
    }

    public string Path { get; }
    public IReadOnlyList<DockerInstruction> GlobalInstructions { get; }
    public IReadOnlyList<DockerStage> Stages { get; }
    public DockerStage Final => Stages[^1];

    public static DockerfileModel Load(string relativePath)
    {
        var lines = RepoFiles.Read(relativePath).Replace("\r\n", "\n").Split('\n');
        var instructions = new List<DockerInstruction>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var start = i + 1;
            var text = line;
            while (text.EndsWith('\\') && i + 1 < lines.Length)
            {
                text = text[..^1].TrimEnd() + " ";
                i++;
                var next = lines[i].Trim();
                if (!next.StartsWith('#'))
                {
                    text += next;
                }
            }
            var m = Regex.Match(text, @"^(\w+)\s*(.*)$", RegexOptions.Singleline);
            instructions.Add(new DockerInstruction(start, m.Groups[1].Value.ToUpperInvariant(), m.Groups[2].Value.Trim()));
        }
        var global = new List<DockerInstruction>();
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var parts = Regex.Split(instruction.Arguments, @"\s+").Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
                current = [];
                var name = parts.Length >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null;
                stages.Add(new DockerStage(parts[0], name, current));
            }
            else if (current is null)
            {
                global.Add(instruction);
            }
            else
            {
                current.Add(instruction);
            }
        }
        return new DockerfileModel(relativePath, global, stages);
    }

    /// <summary>Sources of a COPY/ADD (without --from, i.e. from the build context), as written.</summary>
    public static IReadOnlyList<string> ContextSources(DockerInstruction copy)
    {
        if (copy.Keyword is not ("COPY" or "ADD"))
        {
            return [];
        }
        var args = Regex.Split(copy.Arguments, @"\s+").ToList();
        if (args.Any(a => a.StartsWith("--from", StringComparison.Ordinal)))
        {
            return [];
        }
        var paths = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (paths.Count > 0 && paths[0].StartsWith('['))
        {
            paths = Regex.Matches(copy.Arguments, "\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        }
        return paths.Take(Math.Max(0, paths.Count - 1)).ToList();
    }

    /// <summary>Destination of a COPY/ADD.</summary>
    public static string? Destination(DockerInstruction copy) =>
        Regex.Split(copy.Arguments, @"\s+").LastOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));

    /// <summary>ENV key/value pairs (both the `ENV a=b c=d` and the legacy `ENV a b` forms).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> EnvPairs(DockerInstruction env)
    {
        if (!env.Arguments.Contains('='))
        {
            var space = env.Arguments.IndexOf(' ');
            return space < 0 ? [] : [KeyValuePair.Create(env.Arguments[..space], env.Arguments[(space + 1)..].Trim())];
        }
        return Regex.Matches(env.Arguments, @"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S*)")
            .Select(m => KeyValuePair.Create(m.Groups[1].Value, m.Groups[2].Value.Trim('"')))
            .ToList();
    }

    /// <summary>Project files a stage builds with `dotnet restore|build|publish &lt;path&gt;`.</summary>
    public static IReadOnlyList<string> DotnetProjects(DockerStage stage) =>
        stage.Instructions.Where(i => i.Keyword == "RUN")
            .SelectMany(i => Regex.Matches(i.Arguments, @"dotnet\s+(?:restore|build|publish)\s+([^\s&;|]+\.csproj)"))
            .Select(m => m.Groups[1].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
