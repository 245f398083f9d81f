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
