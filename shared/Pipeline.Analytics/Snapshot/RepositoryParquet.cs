using Parquet;
using Parquet.Schema;

namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// The snapshot's repositories table (<c>repositories/part-0.parquet</c>), rewritten from the store's
/// <c>repositories</c> projection by every aggregation run: repo_key (lower-cased full name, what events join on), repo
/// (GitHub's casing, for display) and language (the latest known one, null when no source named it). The jobs read it
/// as the view <c>repositories</c> to attribute every event of a repository to its language.
/// </summary>
internal static class RepositoryParquet
{
    public static readonly DataField<string> RepoKey = new("repo_key", nullable: false);
    public static readonly DataField<string> Repo = new("repo", nullable: false);
    public static readonly DataField<string> Language = new("language", nullable: true);

    public static readonly ParquetSchema Schema = new(RepoKey, Repo, Language);

    public static IReadOnlyList<string> ColumnNames => Schema.DataFields.Select(f => f.Name).ToList();

    /// <summary>Writes the rows (at least one row group, so an empty table still has a schema).</summary>
    public static async Task WriteAsync(Stream output, IReadOnlyList<(string RepoKey, string Repo, string? Language)> rows, CancellationToken ct = default)
    {
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        await using var writer = await ParquetWriter.CreateAsync(Schema, output, options, cancellationToken: ct);
        IEnumerable<(string RepoKey, string Repo, string? Language)[]> chunks = rows.Count == 0 ? [[]] : rows.Chunk(50_000);
        foreach (var chunk in chunks)
        {
            ct.ThrowIfCancellationRequested();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(RepoKey, chunk.Select(r => r.RepoKey).ToArray());
            await group.WriteAsync(Repo, chunk.Select(r => r.Repo).ToArray());
            await group.WriteAsync(Language, chunk.Select(r => r.Language).ToArray()!);
            group.CompleteValidate();
        }
    }
}
