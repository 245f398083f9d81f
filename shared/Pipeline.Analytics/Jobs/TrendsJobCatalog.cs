namespace Pipeline.Analytics.Jobs;

/// <summary>A fixed set of jobs (tests and the benchmark build their own).</summary>
internal class TrendsJobCatalog(IEnumerable<TrendsJob> jobs) : ITrendsJobCatalog
{
    private readonly Dictionary<string, TrendsJob> _byName = jobs.ToDictionary(j => j.Name, StringComparer.Ordinal);

    public IReadOnlyList<TrendsJob> Jobs => [.. _byName.Values.OrderBy(j => j.Name, StringComparer.Ordinal)];

    public TrendsJob Get(string name) => _byName.TryGetValue(name, out var job)
        ? job
        : throw new KeyNotFoundException($"No trends job named '{name}'");
}
