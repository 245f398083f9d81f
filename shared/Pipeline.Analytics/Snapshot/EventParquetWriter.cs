using Parquet;

namespace Pipeline.Analytics.Snapshot;

/// <summary>Writes event rows to one Parquet file, one row group per batch, so memory stays bounded.</summary>
internal sealed class EventParquetWriter : IAsyncDisposable
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
