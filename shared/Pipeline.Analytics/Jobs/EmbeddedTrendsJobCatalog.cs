using System.Reflection;

namespace Pipeline.Analytics.Jobs;

/// <summary>The SQL files embedded from <c>Jobs/*.sql</c>.</summary>
internal sealed class EmbeddedTrendsJobCatalog() : TrendsJobCatalog(LoadEmbedded())
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
