using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>One function from functions.metadata: its name, trigger binding type and, for HTTP triggers, route,
/// methods and auth level.</summary>
public sealed record FunctionEntry(string Name, string TriggerType, string? Route, IReadOnlyList<string> Methods, string? AuthLevel)
{
    public bool IsHttp => TriggerType.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reads functions.metadata, the function index the Functions worker SDK writes into the build output of
/// functions/Pipeline.Functions (a JSON array of {name, bindings[{type, direction, route, methods, authLevel}]}).</summary>
public static class FunctionsMetadata
{
    public const string Project = "functions/Pipeline.Functions/Pipeline.Functions.csproj";

    private static readonly Lazy<(string? Path, string? Problem)> Located = new(Locate);

    /// <summary>Path of the newest functions.metadata, building the Functions project once if there is none.</summary>
    public static string PathOrThrow() =>
        Located.Value.Path ?? throw new InvalidOperationException(Located.Value.Problem);

    public static IReadOnlyList<FunctionEntry> Load() => Parse(File.ReadAllText(PathOrThrow()));

    public static IReadOnlyList<FunctionEntry> Parse(string json)
    {
        var entries = new List<FunctionEntry>();
        foreach (var fn in (JsonNode.Parse(json) as JsonArray ?? throw new InvalidDataException("functions.metadata is not a JSON array")).OfType<JsonObject>())
        {
            var name = (string?)fn["name"] ?? throw new InvalidDataException("a function without name in functions.metadata");
            var trigger = (fn["bindings"] as JsonArray)?.OfType<JsonObject>()
                .FirstOrDefault(b => ((string?)b["type"])?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true);
            if (trigger is null)
            {
                throw new InvalidDataException($"function {name} has no trigger binding in functions.metadata");
            }
            var methods = (trigger["methods"] as JsonArray)?.Select(m => ((string)m!).ToUpperInvariant()).ToList() ?? [];
            entries.Add(new FunctionEntry(name, (string)trigger["type"]!, (string?)trigger["route"], methods, (string?)trigger["authLevel"]));
        }
        return entries;
    }

    private static (string?, string?) Locate()
    {
        var found = Find();
        if (found is not null)
        {
            return (found, null);
        }
        // Not built yet (e.g. only the unit-test project was built): build it once, as `dotnet build Pipeline.sln` would.
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoFiles.Root };
        foreach (var a in new[] { "build", Project, "--nologo", "-v", "q", "-c", BuildConfiguration() })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            p.Kill(entireProcessTree: true);
            return (null, $"dotnet build {Project} did not finish in 8 minutes");
        }
        found = Find();
        return found is not null
            ? (found, null)
            : (null, $"functions.metadata not found after `dotnet build {Project}` (exit {p.ExitCode}): {output.Result}{error.Result}");
    }

    private static string? Find()
    {
        var bin = RepoFiles.PathOf("functions/Pipeline.Functions/bin");
        if (!Directory.Exists(bin))
        {
            return null;
        }
        var config = BuildConfiguration();
        var all = Directory.EnumerateFiles(bin, "functions.metadata", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        return (all.Where(f => f.FullName.Contains(Path.DirectorySeparatorChar + config + Path.DirectorySeparatorChar)).MaxBy(f => f.LastWriteTimeUtc)
                ?? all.MaxBy(f => f.LastWriteTimeUtc))?.FullName;
    }

    /// <summary>The configuration the tests run in (Debug/Release), read from the test assembly's output path.</summary>
    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>"/api/" + route with parameter names and constraints removed ({id:int} → {}), lower-case.</summary>
    public static string NormalizeRoute(string route)
    {
        var r = route.Trim().Split('?')[0].Trim('/');
        r = Regex.Replace(r, @"\{[^}]*\}", "{}");
        r = Regex.Replace(r, @"(?<=/|^):[A-Za-z_]\w*", "{}");
        if (!r.StartsWith("api/", StringComparison.OrdinalIgnoreCase) && r != "api")
        {
            r = "api/" + r;
        }
        return "/" + r.ToLowerInvariant();
    }
}

/// <summary>Routes documented in docs/api.md: every "METHOD /api/..." mention (in headings, tables, code).</summary>
public static class ApiDocRoutes
{
    public const string Path = "docs/api.md";

    public static IReadOnlySet<string> Load()
    {
        var text = RepoFiles.Read(Path);
        return Regex.Matches(text, @"\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+`?(?:https?://[^/\s`]+)?(/api/[^\s`|)""'<>]*)")
            .Select(m => $"{m.Groups[1].Value} {FunctionsMetadata.NormalizeRoute(m.Groups[2].Value)}")
            .ToHashSet(StringComparer.Ordinal);
    }
}
