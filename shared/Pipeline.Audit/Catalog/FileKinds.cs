using System.Text.RegularExpressions;

namespace Pipeline.Audit.Catalog;

/// <summary>Classifies repository paths: which files can mention tools, which are tests, CI definitions, docs.</summary>
internal static partial class FileKinds
{
    [GeneratedRegex(@"(^|/)(requirements[^/]*\.(txt|in)|requirements/[^/]+\.(txt|in)|constraints[^/]*\.txt|pyproject\.toml|setup\.py|setup\.cfg|Pipfile|environment[^/]*\.ya?ml|conda[^/]*\.ya?ml|package\.json|[^/]+\.csproj|[^/]+\.fsproj|Directory\.Packages\.props|Directory\.Build\.props|packages\.config|pom\.xml|build\.gradle(\.kts)?|go\.mod|Cargo\.toml|Gemfile|DESCRIPTION)$")]
    private static partial Regex DependencyManifestRegex();

    [GeneratedRegex(@"\.(py|pyi|ipynb|cs|fs|vb|js|mjs|cjs|ts|tsx|jsx|java|kt|kts|scala|go|rs|r|R|jl|rb|php|swift|cpp|cc|c|h|hpp|m)$")]
    private static partial Regex CodeRegex();

    [GeneratedRegex(@"(\.(ya?ml|json|jsonc|toml|cfg|ini|conf|properties|env|tf|hcl|sh|bash|ps1|cmd|bat|xml|props|targets|mk|tpl|dockerfile)$)|(^|/)(Dockerfile[^/]*|Makefile|makefile|GNUmakefile|Jenkinsfile[^/]*|Procfile|MLproject|\.env[^/]*|run)$")]
    private static partial Regex ConfigRegex();

    [GeneratedRegex(@"\.(md|markdown|rst|txt|adoc|org)$|(^|/)(README|CONTRIBUTING|CHANGELOG)[^/]*$", RegexOptions.IgnoreCase)]
    private static partial Regex DocRegex();

    [GeneratedRegex(@"(^|/)(tests?|specs?|__tests__|testing|test_?suite)/|(^|/)test_[^/]+\.py$|_tests?\.(py|go|rs|rb)$|\.(test|spec)\.[cm]?[jt]sx?$|Tests?\.(cs|fs|java|kt|scala)$|(^|/)[^/]*\.(Unit|Integration|Functional|Browser|E2E)?Tests?/|(^|/)[^/]*Tests/|(^|/)conftest\.py$")]
    private static partial Regex TestRegex();

    [GeneratedRegex(@"^\.github/workflows/[^/]+\.ya?ml$|(^|/)\.gitlab-ci\.ya?ml$|(^|/)Jenkinsfile[^/]*$|(^|/)azure-pipelines[^/]*\.ya?ml$|^\.circleci/config\.ya?ml$|(^|/)\.travis\.ya?ml$|^\.buildkite/[^/]+\.ya?ml$|(^|/)bitbucket-pipelines\.ya?ml$|^\.drone\.ya?ml$")]
    private static partial Regex CiDefinitionRegex();

    [GeneratedRegex(@"(^|/)(node_modules|vendor|third_party|bower_components|\.venv|venv|site-packages|bin|obj|dist)/|\.min\.(js|css)$|(^|/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|packages\.lock\.json)$")]
    private static partial Regex IgnoredForContentRegex();

    public static bool IsDependencyManifest(string path) => DependencyManifestRegex().IsMatch(path);
    public static bool IsCode(string path) => CodeRegex().IsMatch(path);
    public static bool IsConfig(string path) => ConfigRegex().IsMatch(path);
    public static bool IsDoc(string path) => DocRegex().IsMatch(path) && !IsDependencyManifest(path);
    public static bool IsTest(string path) => TestRegex().IsMatch(path);
    public static bool IsCiDefinition(string path) => CiDefinitionRegex().IsMatch(path);
    public static bool IsWorkflow(string path) => path.StartsWith(".github/workflows/", StringComparison.Ordinal) && (path.EndsWith(".yml", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal));

    /// <summary>Vendored, generated and lock files: their text says nothing about the project's own practice.</summary>
    public static bool IsIgnoredForContent(string path) => IgnoredForContentRegex().IsMatch(path);

    /// <summary>Whether a tool can be detected from this file's content (so its blob is worth reading).</summary>
    public static bool MayMentionTools(string path) =>
        !IsIgnoredForContent(path) && (IsDependencyManifest(path) || IsCode(path) || IsConfig(path));

    /// <summary>Text files whose content is read for keywords and ML Test Score evidence.</summary>
    public static bool IsText(string path) => !IsIgnoredForContent(path) && (IsDependencyManifest(path) || IsCode(path) || IsConfig(path) || IsDoc(path));

    /// <summary>Files whose content contains this marker are never evidence (rubric descriptions, generated audit reports, audit fixtures).</summary>
    public const string IgnoreMarker = "pipeline-audit:ignore";

    /// <summary>True when the bytes look binary (a NUL in the first 8000 bytes, as git decides).</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> bytes) => bytes[..Math.Min(bytes.Length, 8000)].IndexOf((byte)0) >= 0;
}
