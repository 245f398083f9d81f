using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Trends;

namespace Pipeline.Orchestration.Analytics;

/// <summary>Writes the run document (<c>job_runs</c>, id = orchestration instance id). When the run has finished, it also
/// precomputes the trends routes' responses into the results table under a new generation (the run id), so serving is
/// one indexed lookup; a failure there is logged and leaves serving to compute on demand.</summary>
public sealed partial class RecordTrendsRunActivity(JobRunStore runs, TrendsQueryService trends, ILogger<RecordTrendsRunActivity> logger)
    : PipelineActivity<TrendsRunRecord, bool>
{
    public override async Task<bool> ExecuteAsync(TrendsRunRecord input)
    {
        await runs.UpsertAsync(ToDocument(input));
        if (input.FinishedAt is not null && input.Plan is not null)
        {
            try
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var count = await trends.PrecomputeAsync(input.RunId);
                LogPrecomputed(count, input.RunId, sw.ElapsedMilliseconds);
            }
            catch (Exception ex)
            {
                LogPrecomputeFailed(ex, input.RunId);
            }
        }
        return true;
    }

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Precomputed {Count} trends responses for run {RunId} in {Milliseconds} ms")]
    private partial void LogPrecomputed(int count, string runId, long milliseconds);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Precomputing the trends responses of run {RunId} failed; the routes compute them on demand")]
    private partial void LogPrecomputeFailed(Exception ex, string runId);

    public static JsonObject ToDocument(TrendsRunRecord r)
    {
        var doc = new JsonObject
        {
            ["_id"] = r.RunId,
            ["kind"] = JobRunStore.Kind,
            ["status"] = r.Status,
            ["engine"] = r.Engine,
            ["trigger"] = r.Trigger,
            ["started_at"] = r.StartedAt,
            ["rows"] = r.Jobs.Sum(j => (long)j.Rows),
            ["jobs_total"] = r.Jobs.Count,
            ["jobs_failed"] = r.Jobs.Count(j => j.Status != JobRunStatus.Succeeded),
            ["jobs"] = new JsonArray(r.Jobs.Select(j => (JsonNode)new JsonObject
            {
                ["job"] = j.Job,
                ["engine"] = j.Engine,
                ["status"] = j.Status,
                ["rows"] = j.Rows,
                ["periods"] = j.Periods,
                ["input_partitions"] = j.InputPartitions,
                ["duration_ms"] = j.DurationMs,
                ["error"] = j.Error,
            }).ToArray()),
        };
        if (r.FinishedAt is not null)
        {
            doc["finished_at"] = r.FinishedAt;
            doc["duration_ms"] = (long)(DateTimeOffset.Parse(r.FinishedAt, CultureInfo.InvariantCulture) - DateTimeOffset.Parse(r.StartedAt, CultureInfo.InvariantCulture)).TotalMilliseconds;
        }
        if (r.Plan is { } p)
        {
            doc["touched_days"] = p.TouchedDays.Count;
            doc["first_touched_day"] = p.TouchedDays.Count > 0 ? p.TouchedDays[0] : null;
            doc["last_touched_day"] = p.TouchedDays.Count > 0 ? p.TouchedDays[^1] : null;
            doc["new_events"] = p.NewEvents;
            doc["exported_days"] = p.ExportedDays;
            doc["exported_events"] = p.ExportedEvents;
            doc["full"] = p.Full;
            if (p.PreviousWatermark is not null) doc["previous_watermark"] = p.PreviousWatermark;
            // The watermark only moves with a successful run: a failed run's periods are recomputed next time.
            if (r.Status == JobRunStatus.Succeeded && p.Watermark is not null) doc["watermark"] = p.Watermark;
        }
        if (r.Error is not null) doc["error"] = r.Error;
        return doc;
    }
}
