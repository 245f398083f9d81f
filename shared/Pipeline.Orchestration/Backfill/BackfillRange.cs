using Pipeline.Ingestion.Archive;

namespace Pipeline.Orchestration.Backfill;

/// <summary>An hour range as the orchestration carries it: the files are named from it, not listed (a year is 8,760 files).</summary>
public sealed record BackfillRange(DateTime From, int Hours, string BaseUrl)
{
    public string SourceAt(int index) => BaseUrl + BackfillRequest.FileName(From.AddHours(index));
}
