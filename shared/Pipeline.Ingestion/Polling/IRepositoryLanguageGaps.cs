namespace Pipeline.Ingestion.Polling;

/// <summary>Repositories the pipeline has seen but whose language no event named.</summary>
public interface IRepositoryLanguageGaps
{
    /// <summary>Up to <paramref name="max"/> full names (GitHub's casing) of repositories without a known language.</summary>
    Task<IReadOnlyList<string>> RepositoriesWithoutLanguageAsync(int max, CancellationToken ct = default);
}
