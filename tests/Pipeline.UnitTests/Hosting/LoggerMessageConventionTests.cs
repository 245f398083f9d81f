using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Hosting;

/// <summary>
/// Logs follow docs/architecture.md "One API style": every log is a <c>[LoggerMessage]</c> method whose event id lies in its
/// project's range (the table of event ids in that document is read here, so the document is what is checked), ids are
/// unique within a project, no parameter is typed <c>object</c>, and no production source calls a <c>Log{Level}</c>
/// extension directly. The attribute stays in metadata on the partial methods, so the built production assemblies are
/// inspected by reflection; the direct calls are found by a scan of the sources under shared/ and functions/.
/// </summary>
public sealed partial class LoggerMessageConventionTests
{
    internal sealed record EventIdRange(int From, int To)
    {
        public bool Contains(int id) => id >= From && id <= To;

        public override string ToString() => $"{From}–{To}";
    }

    internal sealed record LogMethod(string Project, string Method, int? EventId, IReadOnlyList<ParameterInfo> Parameters);

    private const string LoggerMessageAttributeName = "Microsoft.Extensions.Logging.LoggerMessageAttribute";

    private static readonly Lazy<IReadOnlyDictionary<string, EventIdRange>> DocumentedRanges =
        new(() => ParseEventIdTable(RepoFiles.Read("docs/architecture.md")));

    private static readonly Lazy<IReadOnlyList<(string Project, string Folder)>> ProductionProjects = new(FindProductionProjects);

    private static readonly Lazy<IReadOnlyList<LogMethod>> ProductionLogMethods = new(() =>
        ProductionProjects.Value.SelectMany(p => LogMethodsOf($"{p.Folder}/{p.Project}", TypesOf(LoadProductionAssembly(p.Project, p.Folder)))).ToList());

    // ---- the checks, on the real projects ----

    [Fact]
    public void The_event_id_table_has_one_row_per_production_project()
    {
        var documented = DocumentedRanges.Value.Keys.Order(StringComparer.Ordinal).ToList();
        var projects = ProductionProjects.Value.Select(p => $"{p.Folder}/{p.Project}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(projects, documented);
    }

    [Fact]
    public void Reflection_finds_every_LoggerMessage_method_declared_in_the_sources()
    {
        // Guards the other checks: if the attribute were not found (renamed, stripped), they would pass on nothing.
        var declared = ProductionProjects.Value.ToDictionary(
            p => $"{p.Folder}/{p.Project}",
            p => RepoFiles.Under($"{p.Folder}/{p.Project}", ".cs").Sum(f => LoggerMessageDeclaration().Count(RepoFiles.Read(f))));
        var found = ProductionLogMethods.Value.GroupBy(m => m.Project).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(declared.Values.Sum() > 100, $"only {declared.Values.Sum()} [LoggerMessage] declarations found in the sources");
        foreach (var (project, count) in declared)
        {
            Assert.True(count == found.GetValueOrDefault(project), $"{project}: {count} [LoggerMessage] in the sources, {found.GetValueOrDefault(project)} found by reflection");
        }
    }

    [Fact]
    public void Every_event_id_is_in_its_projects_documented_range()
    {
        var offenders = OutOfRange(DocumentedRanges.Value, ProductionLogMethods.Value);
        Assert.True(offenders.Count == 0, "event ids outside the project's range in docs/architecture.md:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Event_ids_are_unique_within_each_project()
    {
        var offenders = DuplicateIds(ProductionLogMethods.Value);
        Assert.True(offenders.Count == 0, "event ids used more than once in a project:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void No_log_method_takes_an_object_parameter()
    {
        var offenders = ObjectParameters(ProductionLogMethods.Value);
        Assert.True(offenders.Count == 0, "log parameters typed object (give them the value's type):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void No_production_source_calls_a_Log_extension_directly()
    {
        var files = ProductionProjects.Value.SelectMany(p => RepoFiles.Under($"{p.Folder}/{p.Project}", ".cs")).ToList();
        Assert.NotEmpty(files);
        var offenders = files
            .SelectMany(f => DirectLogCalls(RepoFiles.Read(f)).Select(c => $"{f}:{c.Line}: {c.Call}"))
            .ToList();
        Assert.True(offenders.Count == 0, "direct logger calls (use a [LoggerMessage] method in the project's range):\n" + string.Join("\n", offenders));
    }

    // ---- the parser and the detectors, on bad cases: they must be able to fail ----

    [Fact]
    public void The_table_parser_reads_the_rows_of_the_event_id_table()
    {
        const string markdown = """
            Some text | with a pipe.

            | project | event ids |
            | --- | --- |
            | `shared/Pipeline.Storage` | 1000–1099 |
            | `functions/Pipeline.Worker` | 6000-6099 |

            | other | table |
            | --- | --- |
            | `shared/Pipeline.Other` | 1–2 |
            """;
        var ranges = ParseEventIdTable(markdown);
        Assert.Equal(2, ranges.Count);
        Assert.Equal(new EventIdRange(1000, 1099), ranges["shared/Pipeline.Storage"]);
        Assert.Equal(new EventIdRange(6000, 6099), ranges["functions/Pipeline.Worker"]);
    }

    [Theory]
    [InlineData("| `shared/Pipeline.A` | 1000–1099 |\n| `shared/Pipeline.B` | 1050–1199 |", "overlaps")]
    [InlineData("| `shared/Pipeline.A` | 1000–1099 |\n| `shared/Pipeline.A` | 2000–2099 |", "twice")]
    [InlineData("| `shared/Pipeline.A` | 1099–1000 |", "empty")]
    [InlineData("| `shared/Pipeline.A` | 1000 |", "not a")]
    [InlineData("| shared/Pipeline.A | 1000–1099 |", "not a")]
    [InlineData("", "no rows")]
    public void The_table_parser_rejects_a_malformed_table(string rows, string expected)
    {
        var markdown = "| project | event ids |\n| --- | --- |\n" + rows + "\n";
        var error = Assert.Throws<FormatException>(() => ParseEventIdTable(markdown));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ParseEventIdTable("no table here"));
    }

    [Fact]
    public void The_reflection_checks_report_bad_ids_duplicates_and_object_parameters()
    {
        var ranges = new Dictionary<string, EventIdRange> { ["tests/Sample"] = new(100, 199) };
        var methods = LogMethodsOf("tests/Sample", [typeof(SampleLog), typeof(OtherSampleLog)]);
        Assert.Equal(5, methods.Count);

        Assert.Equal(
            [$"tests/Sample: {typeof(SampleLog).FullName}.{nameof(SampleLog.UntypedOutOfRange)} has event id 42, outside 100–199",
             $"tests/Sample: {typeof(SampleLog).FullName}.{nameof(SampleLog.WithoutId)} has no EventId (the range is 100–199)"],
            OutOfRange(ranges, methods).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(
            [$"tests/Sample: event id 150 on {typeof(OtherSampleLog).FullName}.{nameof(OtherSampleLog.SameIdElsewhere)}, {typeof(SampleLog).FullName}.{nameof(SampleLog.Typed)}"],
            DuplicateIds(methods));
        Assert.Equal(
            [$"tests/Sample: {typeof(SampleLog).FullName}.{nameof(SampleLog.UntypedOutOfRange)}(value: object)"],
            ObjectParameters(methods));

        // A project missing from the table is reported, not skipped.
        Assert.Contains(OutOfRange(new Dictionary<string, EventIdRange>(), methods), o => o.Contains("has no row", StringComparison.Ordinal));
    }

    [Fact]
    public void The_direct_call_detector_finds_Log_extension_calls_and_ignores_comments_and_other_Logs()
    {
        const string source = """
            namespace Sample;

            /// <summary>Never call logger.LogInformation("x") here.</summary>
            internal sealed partial class Worker(ILogger<Worker> logger)
            {
                // logger.LogWarning("commented out");
                /* logger.LogError("block comment"); */
                public void Run(double x)
                {
                    logger.LogInformation("started {X}", x);
                    _ = Math.Log(x) + MathF.Log(2f);
                    LogStarted(logger, x);
                    logger
                        .LogDebug("across lines");
                    logger.Log(LogLevel.Warning, "dynamic");
                    LoggerExtensions.LogCritical(logger, "static form");
                    logger.LogTrace<int>(default, "generic {N}", 1);
                }

                [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Started {X}")]
                private static partial void LogStarted(ILogger logger, double x);
            }
            """;
        var calls = DirectLogCalls(source);
        Assert.Equal([10, 13, 15, 16, 17], calls.Select(c => c.Line));
        Assert.Equal(["logger.LogInformation(", "logger\n            .LogDebug(", "logger.Log(", "LoggerExtensions.LogCritical(", "logger.LogTrace<int>("],
            calls.Select(c => c.Call.Replace("\r", "", StringComparison.Ordinal)));
    }

    // ---- helpers ----

    /// <summary>The rows of the "| project | event ids |" table: project path → inclusive id range. Throws on a row that
    /// is not of the form <c>| `folder/Project` | from–to |</c>, a project listed twice, an empty range, or overlapping
    /// ranges (an event id must name one project).</summary>
    internal static IReadOnlyDictionary<string, EventIdRange> ParseEventIdTable(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r').Trim()).ToList();
        var header = lines.FindIndex(l => TableHeader().IsMatch(l));
        if (header < 0 || header + 1 >= lines.Count || !TableSeparator().IsMatch(lines[header + 1]))
        {
            throw new FormatException("no '| project | event ids |' table with a '| --- | --- |' line under its header");
        }
        var ranges = new Dictionary<string, EventIdRange>(StringComparer.Ordinal);
        for (var i = header + 2; i < lines.Count && lines[i].StartsWith('|'); i++)
        {
            var row = TableRow().Match(lines[i]);
            if (!row.Success) throw new FormatException($"table line '{lines[i]}' is not a '| `folder/Project` | from–to |' row");
            var project = row.Groups["project"].Value;
            var range = new EventIdRange(
                int.Parse(row.Groups["from"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(row.Groups["to"].Value, System.Globalization.CultureInfo.InvariantCulture));
            if (range.From > range.To) throw new FormatException($"{project}: the range {range} is empty");
            if (ranges.FirstOrDefault(r => r.Value.From <= range.To && range.From <= r.Value.To) is { Key: not null } clash)
            {
                throw new FormatException($"{project}: the range {range} overlaps {clash.Key}'s {clash.Value}");
            }
            if (!ranges.TryAdd(project, range)) throw new FormatException($"{project} is in the table twice");
        }
        if (ranges.Count == 0) throw new FormatException("the event id table has no rows");
        return ranges;
    }

    /// <summary>The methods of <paramref name="types"/> that carry <c>[LoggerMessage]</c>, read through
    /// <see cref="CustomAttributeData"/> (by name, so an assembly in another load context is read the same way).</summary>
    internal static IReadOnlyList<LogMethod> LogMethodsOf(string project, IEnumerable<Type> types)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var result = new List<LogMethod>();
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(All))
            {
                var attribute = method.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == LoggerMessageAttributeName);
                if (attribute is null) continue;
                result.Add(new LogMethod(project, $"{type.FullName}.{method.Name}", EventIdOf(attribute), method.GetParameters()));
            }
        }
        return result;
    }

    /// <summary>The id given to the attribute as a named argument or through a constructor's <c>eventId</c>; null when none.</summary>
    private static int? EventIdOf(CustomAttributeData attribute)
    {
        foreach (var named in attribute.NamedArguments)
        {
            if (named.MemberName == nameof(LoggerMessageAttribute.EventId)) return (int)named.TypedValue.Value!;
        }
        var parameters = attribute.Constructor.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Name == "eventId") return (int)attribute.ConstructorArguments[i].Value!;
        }
        return null;
    }

    internal static IReadOnlyList<string> OutOfRange(IReadOnlyDictionary<string, EventIdRange> ranges, IEnumerable<LogMethod> methods) =>
        methods.Select(m => !ranges.TryGetValue(m.Project, out var range)
                ? $"{m.Project}: {m.Method}: the project has no row in the event id table"
                : m.EventId is not int id
                    ? $"{m.Project}: {m.Method} has no EventId (the range is {range})"
                    : range.Contains(id) ? null : $"{m.Project}: {m.Method} has event id {id}, outside {range}")
            .OfType<string>()
            .ToList();

    internal static IReadOnlyList<string> DuplicateIds(IEnumerable<LogMethod> methods) =>
        methods.Where(m => m.EventId is not null)
            .GroupBy(m => (m.Project, m.EventId))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Project}: event id {g.Key.EventId} on {string.Join(", ", g.Select(m => m.Method).Order(StringComparer.Ordinal))}")
            .ToList();

    internal static IReadOnlyList<string> ObjectParameters(IEnumerable<LogMethod> methods) =>
        methods.SelectMany(m => m.Parameters.Where(p => p.ParameterType == typeof(object)).Select(p => $"{m.Project}: {m.Method}({p.Name}: object)"))
            .ToList();

    /// <summary>Calls of the <c>Log{Level}</c> / <c>Log</c> extensions (<c>logger.LogWarning(…)</c>,
    /// <c>LoggerExtensions.LogError(logger, …)</c>, <c>logger.Log(level, …)</c>) outside comments, with their 1-based line.
    /// <c>Math.Log</c> and source-generated methods (called without a receiver, or named <c>Log…</c> beyond the levels) are not.</summary>
    internal static IReadOnlyList<(int Line, string Call)> DirectLogCalls(string source)
    {
        // Comments become blank (their line breaks kept) so that line numbers stay right.
        var code = Comment().Replace(source, m => new string(m.Value.Where(c => c == '\n').ToArray()));
        return DirectLogCall().Matches(code)
            .Select(m => (Line: 1 + code.AsSpan(0, m.Index).Count('\n'), Call: m.Value))
            .ToList();
    }

    private static IReadOnlyList<(string Project, string Folder)> FindProductionProjects() =>
        new[] { "shared", "functions" }
            .SelectMany(folder => Directory.EnumerateDirectories(RepoFiles.PathOf(folder))
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => File.Exists(RepoFiles.PathOf($"{folder}/{name}/{name}.csproj")))
                .Select(name => (name, folder)))
            .OrderBy(p => p.name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The built assembly of a production project: the copy this test references when it does (one type identity
    /// with the test's own), otherwise its project's build output (the Functions app, built but not referenced), loaded
    /// in a context of its own that resolves its dependencies from its deps.json.</summary>
    private static Assembly LoadProductionAssembly(string project, string folder)
    {
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, project + ".dll")))
        {
            return Assembly.Load(new AssemblyName(project));
        }
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = RepoFiles.PathOf($"{folder}/{project}/bin/{configuration}/net10.0/{project}.dll");
        Assert.True(File.Exists(path), $"{path} not found: build {folder}/{project} first");
        return new BuildOutputLoadContext(path).LoadFromAssemblyPath(path);
    }

    private static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // Fail rather than check a part of the assembly.
            throw new InvalidOperationException($"{assembly.GetName().Name}: types could not be loaded: " +
                string.Join("; ", e.LoaderExceptions.Select(x => x?.Message).Distinct()), e);
        }
    }

    /// <summary>Loads a build output with its own dependencies, except those the test process has too (the logging
    /// abstractions, the shared projects), which come from the default context. Never unloaded: a collectible context
    /// that nothing holds can be collected while its types are still being loaded ("An operation is not legal in the
    /// current state", seen in a fresh-clone CI run).</summary>
    private sealed class BuildOutputLoadContext(string mainAssemblyPath) : AssemblyLoadContext(isCollectible: false)
    {
        private static readonly HashSet<string> InDefaultContext = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is { } name && InDefaultContext.Contains(name)) return null;
            var path = _resolver.ResolveAssemblyToPath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }
    }

    [GeneratedRegex(@"^[ \t]*\[LoggerMessage\(", RegexOptions.Multiline)]
    private static partial Regex LoggerMessageDeclaration();

    [GeneratedRegex(@"^\|\s*project\s*\|\s*event ids\s*\|$")]
    private static partial Regex TableHeader();

    [GeneratedRegex(@"^\|\s*-{3,}\s*\|\s*-{3,}\s*\|$")]
    private static partial Regex TableSeparator();

    [GeneratedRegex(@"^\|\s*`(?<project>(?:shared|functions)/[\w.]+)`\s*\|\s*(?<from>\d+)\s*[–-]\s*(?<to>\d+)\s*\|$")]
    private static partial Regex TableRow();

    // Whole-line comments only: a "//" inside a string literal (a URL) must not hide code.
    [GeneratedRegex(@"^[ \t]*(?://[^\n]*|/\*.*?\*/)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Comment();

    // A receiver (identifier, call or indexer result), optional white space, then .Log / .Log{Level}, optional type
    // arguments, then "(". Math.Log and MathF.Log are the only other .Log calls in the sources.
    [GeneratedRegex(@"(?<receiver>[\w\])]+)(?<!\bMathF?)\s*\.\s*Log(?:Trace|Debug|Information|Warning|Error|Critical)?\s*(?:<[^<>()]*>)?\(")]
    private static partial Regex DirectLogCall();

    internal static partial class SampleLog
    {
        [LoggerMessage(EventId = 150, Level = LogLevel.Information, Message = "Typed {Name} {Count}")]
        internal static partial void Typed(ILogger logger, string name, int count);

        [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Untyped {Value}")]
        internal static partial void UntypedOutOfRange(ILogger logger, object? value);

        [LoggerMessage(Level = LogLevel.Information, Message = "No id")]
        internal static partial void WithoutId(ILogger logger);

        [LoggerMessage(EventId = 151, Message = "Dynamic level {Elapsed}")]
        internal static partial void DynamicLevel(ILogger logger, LogLevel level, TimeSpan elapsed);
    }

    internal static partial class OtherSampleLog
    {
        [LoggerMessage(EventId = 150, Level = LogLevel.Information, Message = "Same id, other class")]
        internal static partial void SameIdElsewhere(ILogger logger);
    }
}
