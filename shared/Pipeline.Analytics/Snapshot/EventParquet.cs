using Parquet;
using Parquet.Schema;

namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// The snapshot's Parquet layout. Timestamps are INT64 microseconds without time-zone adjustment metadata, so DuckDB
/// reads them as TIMESTAMP and Spark (session time zone UTC) as UTC instants: date_trunc gives the same buckets.
/// </summary>
public static class EventParquet
{
    public static readonly DataField<string> Id = new("id", nullable: false);
    public static readonly DataField<string> Type = new("type", nullable: false);
    public static readonly DataField<string> Action = new("action", nullable: true);
    public static readonly DataField<string> Repo = new("repo", nullable: false);
    public static readonly DataField<string> Actor = new("actor", nullable: true);
    public static readonly DateTimeDataField CreatedAt = new("created_at", DateTimeFormat.DateAndTimeMicros, isNullable: false);
    public static readonly DataField<long> CreatedEpoch = new("created_epoch", nullable: false);
    public static readonly DateTimeDataField ReceivedAt = new("received_at", DateTimeFormat.DateAndTimeMicros, isNullable: true);
    public static readonly DataField<string> Language = new("language", nullable: true);
    public static readonly DataField<string> RefType = new("ref_type", nullable: true);
    public static readonly DataField<long?> Number = new("number", nullable: true);
    public static readonly DateTimeDataField ItemCreatedAt = new("item_created_at", DateTimeFormat.DateAndTimeMicros, isNullable: true);
    public static readonly DateTimeDataField ItemClosedAt = new("item_closed_at", DateTimeFormat.DateAndTimeMicros, isNullable: true);
    public static readonly DataField<long?> ItemCreatedEpoch = new("item_created_epoch", nullable: true);
    public static readonly DataField<long?> ItemClosedEpoch = new("item_closed_epoch", nullable: true);
    public static readonly DataField<bool?> Merged = new("merged", nullable: true);
    public static readonly DataField<string> RepoKey = new("repo_key", nullable: false);
    public static readonly DataField<string> ActivityKey = new("activity_key", nullable: false);
    public static readonly DataField<string> ItemAuthor = new("item_author", nullable: true);
    public static readonly DataField<string> ItemKind = new("item_kind", nullable: true);

    public static readonly ParquetSchema Schema = new(
        Id, Type, Action, Repo, Actor, CreatedAt, CreatedEpoch, ReceivedAt, Language, RefType, Number,
        ItemCreatedAt, ItemClosedAt, ItemCreatedEpoch, ItemClosedEpoch, Merged, RepoKey, ActivityKey, ItemAuthor, ItemKind);

    /// <summary>The column names in schema order (what the dialect documentation lists).</summary>
    public static IReadOnlyList<string> ColumnNames => Schema.DataFields.Select(f => f.Name).ToList();
}

/// <summary>Writes event rows to one Parquet file, one row group per batch, so memory stays bounded.</summary>
public sealed class EventParquetWriter : IAsyncDisposable
{
    private readonly ParquetWriter _writer;
    public long RowsWritten { get; private set; }

    private EventParquetWriter(ParquetWriter writer) => _writer = writer;

    public static async Task<EventParquetWriter> CreateAsync(Stream output, CancellationToken ct = default)
    {
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest };
        return new EventParquetWriter(await ParquetWriter.CreateAsync(EventParquet.Schema, output, options, cancellationToken: ct));
    }

    public async Task WriteBatchAsync(IReadOnlyList<EventRow> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0) return;
        using var group = _writer.CreateRowGroup();
        await group.WriteAsync(EventParquet.Id, rows.Select(r => r.Id).ToArray());
        await group.WriteAsync(EventParquet.Type, rows.Select(r => r.Type).ToArray());
        await group.WriteAsync(EventParquet.Action, rows.Select(r => r.Action).ToArray()!);
        await group.WriteAsync(EventParquet.Repo, rows.Select(r => r.Repo).ToArray());
        await group.WriteAsync(EventParquet.Actor, rows.Select(r => r.Actor).ToArray()!);
        await group.WriteAsync<DateTime>(EventParquet.CreatedAt, rows.Select(r => r.CreatedAt).ToArray(), cancellationToken: ct);
        await group.WriteAsync<long>(EventParquet.CreatedEpoch, rows.Select(r => r.CreatedEpoch).ToArray(), cancellationToken: ct);
        await group.WriteAsync<DateTime>(EventParquet.ReceivedAt, rows.Select(r => r.ReceivedAt).ToArray(), cancellationToken: ct);
        await group.WriteAsync(EventParquet.Language, rows.Select(r => r.Language).ToArray()!);
        await group.WriteAsync(EventParquet.RefType, rows.Select(r => r.RefType).ToArray()!);
        await group.WriteAsync<long>(EventParquet.Number, rows.Select(r => r.Number).ToArray(), cancellationToken: ct);
        await group.WriteAsync<DateTime>(EventParquet.ItemCreatedAt, rows.Select(r => r.ItemCreatedAt).ToArray(), cancellationToken: ct);
        await group.WriteAsync<DateTime>(EventParquet.ItemClosedAt, rows.Select(r => r.ItemClosedAt).ToArray(), cancellationToken: ct);
        await group.WriteAsync<long>(EventParquet.ItemCreatedEpoch, rows.Select(r => r.ItemCreatedEpoch).ToArray(), cancellationToken: ct);
        await group.WriteAsync<long>(EventParquet.ItemClosedEpoch, rows.Select(r => r.ItemClosedEpoch).ToArray(), cancellationToken: ct);
        await group.WriteAsync<bool>(EventParquet.Merged, rows.Select(r => r.Merged).ToArray(), cancellationToken: ct);
        await group.WriteAsync(EventParquet.RepoKey, rows.Select(r => r.RepoKey).ToArray());
        await group.WriteAsync(EventParquet.ActivityKey, rows.Select(r => r.ActivityKey).ToArray());
        await group.WriteAsync(EventParquet.ItemAuthor, rows.Select(r => r.ItemAuthor).ToArray()!);
        await group.WriteAsync(EventParquet.ItemKind, rows.Select(r => r.ItemKind).ToArray()!);
        group.CompleteValidate();
        RowsWritten += rows.Count;
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

/// <summary>
/// The snapshot's repositories table (<c>repositories/part-0.parquet</c>), rewritten from the store's
/// <c>repositories</c> projection by every aggregation run: repo_key (lower-cased full name, what events join on), repo
/// (GitHub's casing, for display) and language (the latest known one, null when no source named it). The jobs read it
/// as the view <c>repositories</c> to attribute every event of a repository to its language.
/// </summary>
public static class RepositoryParquet
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
