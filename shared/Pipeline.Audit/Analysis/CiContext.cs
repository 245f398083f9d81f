// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Audit.Catalog;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;

namespace Pipeline.Audit.Analysis;

/// <summary>
/// What CI executes: the commands of every CI definition (GitHub workflow run steps and actions, GitLab/Jenkins/Azure files
/// as a whole), expanded one level with the repository files those commands name (scripts, the Makefile when make runs).
/// The ML Test Score uses it to decide whether a piece of evidence is automated.
/// </summary>
internal sealed partial class CiContext
{
    [GeneratedRegex(@"\b(pytest|py\.test|tox|nox|python\s+-m\s+(unittest|pytest)|dotnet\s+test|npm\s+(run\s+)?test|yarn\s+test|pnpm\s+(run\s+)?test|go\s+test|cargo\s+test|mvn\b[^\n]*\b(test|verify)|gradlew?\b[^\n]*\btest|make\s+(test|check)|jest|vitest|ctest|rspec|phpunit)\b")]
    private static partial Regex TestRunnerRegex();

    [GeneratedRegex(@"\bmake\b")]
    private static partial Regex MakeRegex();

    /// <summary>CI definition file → the commands it runs (expanded).</summary>
    public IReadOnlyDictionary<string, string> Commands { get; }
    public IReadOnlyList<string> Definitions { get; }
    public bool RunsTests => TestCommand is not null;
    public string? TestCommand { get; }

    private readonly Dictionary<string, string> _testFileOfToken;

    private CiContext(Dictionary<string, string> commands, string? testCommand, Dictionary<string, string> testFileOfToken)
    {
        Commands = commands;
        Definitions = commands.Keys.Order(StringComparer.Ordinal).ToList();
        TestCommand = testCommand;
        _testFileOfToken = testFileOfToken;
    }

    public static CiContext Build(RepositorySnapshot snapshot)
    {
        var commands = new Dictionary<string, string>(StringComparer.Ordinal);
        // The whole definition counts: run steps, actions used, and triggers such as schedules.
        foreach (var path in snapshot.Paths.Where(FileKinds.IsCiDefinition))
            if (!snapshot.IsIgnored(path)) commands[path] = Expand(snapshot, path, snapshot.Text(path) ?? "");

        string? testCommand = null;
        foreach (var (path, text) in commands.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var m = TestRunnerRegex().Match(text);
            if (m.Success) { testCommand = $"{m.Value} ({path})"; break; }
        }

        // Identifiers used by test files: a source file whose name is one of them is taken as exercised by that test.
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in snapshot.Paths)
        {
            if (!FileKinds.IsTest(path) || !FileKinds.IsCode(path) || snapshot.IsIgnored(path) || snapshot.Text(path) is not { } text) continue;
            foreach (Match m in IdentifierRegex().Matches(text)) tokens.TryAdd(m.Value, path);
        }
        return new CiContext(commands, testCommand, tokens);
    }

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]{4,}")]
    private static partial Regex IdentifierRegex();

    /// <summary>Adds the text of repository files named by the commands (one level), so `./ci/run` or `make test` count.</summary>
    private static string Expand(RepositorySnapshot snapshot, string definition, string text)
    {
        var sb = new StringBuilder(text);
        foreach (var path in snapshot.Paths)
        {
            if (path == definition || !(FileKinds.IsConfig(path) || FileKinds.IsCode(path)) || snapshot.IsIgnored(path)) continue;
            var named = Names(text, path)
                || ((path is "Makefile" or "makefile" or "GNUmakefile") && MakeRegex().IsMatch(text));
            if (named && snapshot.Text(path) is { } script) sb.Append('\n').Append(script);
        }
        return sb.ToString();
    }

    /// <summary>The CI definition whose commands name <paramref name="path"/> (full path, or a distinctive file name).</summary>
    public string? ReferencedBy(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        foreach (var (def, text) in Commands)
        {
            if (Names(text, path)) return def;
            if (name.Length >= 8 && name.Contains('.') && Names(text, name)) return def;
        }
        return null;
    }

    /// <summary>Whether <paramref name="text"/> contains <paramref name="path"/> as a whole path (not inside a longer name).</summary>
    private static bool Names(string text, string path)
    {
        for (var i = text.IndexOf(path, StringComparison.Ordinal); i >= 0; i = text.IndexOf(path, i + 1, StringComparison.Ordinal))
        {
            var before = i == 0 ? ' ' : text[i - 1];
            var after = i + path.Length >= text.Length ? ' ' : text[i + path.Length];
            if (!IsNameChar(before) && before != '/' && !IsNameChar(after) && after != '/') return true;
            if (before == '/' && i >= 2 && text[i - 2] == '.' && !IsNameChar(after)) return true; // ./script.sh
        }
        return false;
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '.';

    /// <summary>The CI definition whose commands match one of <paramref name="patterns"/>.</summary>
    public string? Matching(IEnumerable<Regex> patterns)
    {
        foreach (var p in patterns)
            foreach (var (def, text) in Commands)
                if (p.IsMatch(text)) return def;
        return null;
    }

    /// <summary>The test file that uses the name of <paramref name="path"/>'s file (e.g. Parser.cs ← ParserTests.cs).</summary>
    public string? TestUsing(string path)
    {
        var stem = System.IO.Path.GetFileNameWithoutExtension(path);
        return stem.Length >= 5 && _testFileOfToken.TryGetValue(stem, out var test) && test != path ? test : null;
    }

    public CiSummary Summary() => new() { Definitions = Definitions, RunsTests = RunsTests, TestCommand = TestCommand };
}
