using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Orchestration.Analytics;

/// <summary>Marks the run as running, then brings the Parquet snapshot up to date and returns what to recompute.</summary>
public sealed class PrepareTrendsSnapshotActivity(TrendsSnapshotService snapshots, JobRunStore runs, ITrendsJobCatalog catalog)
    : PipelineActivity<PrepareTrendsSnapshotInput, PreparedTrendsRun>
{
    public override async Task<PreparedTrendsRun> ExecuteAsync(PrepareTrendsSnapshotInput input)
    {
        await runs.UpsertAsync(RecordTrendsRunActivity.ToDocument(new TrendsRunRecord(
            input.RunId, JobRunStatus.Running, input.Engine, input.Trigger, input.StartedAt, null, null, [], null)));
        var plan = await snapshots.PrepareAsync(new SnapshotRequest(ParseDay(input.From), ParseDay(input.To), input.Force));
        return new PreparedTrendsRun(plan, catalog.Jobs.Select(j => j.Name).ToList());
    }

    private static DateOnly? ParseDay(string? s) => string.IsNullOrWhiteSpace(s) ? null : Periods.Parse(s);
}
