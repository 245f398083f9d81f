namespace Pipeline.Ingestion.Archive;

/// <summary>Counters of one file being read, updated as it streams (read by progress reporting).</summary>
internal sealed class ArchiveReadCounters
{
    public long Lines;
    public long Errors;

    /// <summary>Bytes read from the source (compressed bytes for .gz).</summary>
    public long Bytes;
}
