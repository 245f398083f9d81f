using Parquet.Schema;

namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// The snapshot's Parquet layout. Timestamps are INT64 milliseconds (TIMESTAMP_MILLIS) without time-zone adjustment
/// metadata, so DuckDB reads them as TIMESTAMP and Spark (session time zone UTC) as UTC instants: date_trunc gives the
/// same buckets. Milliseconds, not microseconds: Parquet.Net 6.1 writes the column statistics (min/max) of a
/// <see cref="DateTimeFormat.DateAndTimeMicros"/> column in milliseconds while the values are in microseconds, so every
/// row group claimed to hold January 1970 and DuckDB, which prunes and folds filters on those statistics, dropped every
/// row of a filter on one period (an incremental run of one day wrote no documents). The stored timestamps never carry
/// more than milliseconds (<see cref="EventDocumentMapper.TimestampFormat"/>), so nothing is lost.
/// </summary>
internal static class EventParquet
{
    public static readonly DataField<string> Id = new("id", nullable: false);
    public static readonly DataField<string> Type = new("type", nullable: false);
    public static readonly DataField<string> Action = new("action", nullable: true);
    public static readonly DataField<string> Repo = new("repo", nullable: false);
    public static readonly DataField<string> Actor = new("actor", nullable: true);
    public static readonly DateTimeDataField CreatedAt = new("created_at", DateTimeFormat.DateAndTime, isNullable: false);
    public static readonly DataField<long> CreatedEpoch = new("created_epoch", nullable: false);
    public static readonly DateTimeDataField ReceivedAt = new("received_at", DateTimeFormat.DateAndTime, isNullable: true);
    public static readonly DataField<string> Language = new("language", nullable: true);
    public static readonly DataField<string> RefType = new("ref_type", nullable: true);
    public static readonly DataField<long?> Number = new("number", nullable: true);
    public static readonly DateTimeDataField ItemCreatedAt = new("item_created_at", DateTimeFormat.DateAndTime, isNullable: true);
    public static readonly DateTimeDataField ItemClosedAt = new("item_closed_at", DateTimeFormat.DateAndTime, isNullable: true);
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
