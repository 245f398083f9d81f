using System.Reflection;

namespace Pipeline.Analytics.Jobs;

/// <summary>The jobs an aggregation run executes.</summary>
public interface ITrendsJobCatalog
{
    IReadOnlyList<TrendsJob> Jobs { get; }

    TrendsJob Get(string name);
}

/// <summary>A fixed set of jobs (tests and the benchmark build their own).</summary>
public class TrendsJobCatalog(IEnumerable<TrendsJob> jobs) : ITrendsJobCatalog
{
    private readonly Dictionary<string, TrendsJob> _byName = jobs.ToDictionary(j => j.Name, StringComparer.Ordinal);

    public IReadOnlyList<TrendsJob> Jobs => [.. _byName.Values.OrderBy(j => j.Name, StringComparer.Ordinal)];

    public TrendsJob Get(string name) => _byName.TryGetValue(name, out var job)
        ? job
        : throw new KeyNotFoundException($"No trends job named '{name}'");
}

/// <summary>The SQL files embedded from <c>Jobs/*.sql</c>.</summary>
public sealed class EmbeddedTrendsJobCatalog() : TrendsJobCatalog(LoadEmbedded())
{
    private const string Prefix = "Pipeline.Analytics.Jobs.";

    /// <summary>Every embedded job file as (file name, text), for the dialect check.</summary>
    public static IReadOnlyList<(string FileName, string Text)> ReadFiles()
    {
        var assembly = typeof(EmbeddedTrendsJobCatalog).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => (n[Prefix.Length..], Read(assembly, n)))
            .ToList();
    }

    public static IReadOnlyList<TrendsJob> LoadEmbedded() =>
        ReadFiles().Select(f => TrendsJobParser.Parse(f.FileName, f.Text)).ToList();

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
